"""A list's order ends at the first key no two rows share (tracker.filters.stable_order): the rows keep a stable
order under any sort, and a sort by a unique column is not followed by keys that only cost a sort."""
import pytest
from django.urls import reverse

from projects.models import Flag, Project
from tracker.filters import stable_order


@pytest.mark.parametrize("model, keys, expected", [
    (Project, ("code", "code", "pk"), ["code"]),
    (Project, ("-code", "code", "pk"), ["-code"]),
    (Project, ("-registered_capital_vnd", "code", "pk"), ["-registered_capital_vnd", "code"]),
    (Project, ("irc_number", "code", "pk"), ["irc_number", "code"]),  # unique but may be empty (NULL)
    (Project, ("cluster__code", "pk"), ["cluster__code", "pk"]),  # unique in another table: many projects share it
    (Project, ("status", "pk"), ["status", "pk"]),
    (Flag, ("-since", "pk"), ["-since", "pk"]),
    (Project, ("open_flags", "pk"), ["open_flags", "pk"]),  # an annotation: not a column, the order goes on
    (Project, ("flags", "pk"), ["flags", "pk"]),  # a reverse relation: not a column either
])
def test_the_order_stops_at_the_first_unique_key(model, keys, expected):
    assert stable_order(model, keys) == expected


def test_pages_sorted_by_a_shared_value_neither_repeat_nor_skip_a_project(staff_client, make_project):
    codes = {make_project(status="registered", registered_capital_vnd=10**9).code for _ in range(7)}
    seen = []
    for page in (1, 2, 3):
        response = staff_client.get(reverse("api:project-list"), {"o": "-capital", "page_size": 3, "page": page})
        seen += [row["project_code"] for row in response.json()["results"]]
    assert sorted(seen) == sorted(codes) and len(seen) == len(set(seen))
