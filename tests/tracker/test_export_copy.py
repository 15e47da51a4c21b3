"""The project export written by PostgreSQL's COPY says, cell for cell, what the Python writer says: the same rows
(filters and the access door included), in the same order, each value formatted the same way (dates dd/mm/yyyy, a
decimal comma, billions exactly, choices as labels in the page's language, formula-like text made inert, an empty
field for nothing). tracker/exports.py writes the CSV by COPY on PostgreSQL; this test reads both files."""
import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

import tracker.exports
from clusters.models import Commune
from projects.exports import PROJECT_COLUMNS
from projects.models import Project
from tracker.exports import Column, copies
from tracker.numbers import vnd_to_billions as billions

NAMES = ["=HYPERLINK(\"http://x\",\"y\")", "'=x", "''+1", "-5 tấn", "\tTab", "@SUM(A1)", "Nhà máy, \"trích dẫn\"\nxuống dòng",
         "Bình thường", "'bình thường"]


def _rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def _export(client, monkeypatch, *, by_copy: bool, **query) -> tuple[list[list[str]], int]:
    calls = []
    real = tracker.exports.copy_csv_chunks

    def spy(queryset, columns):
        calls.append(queryset)
        return real(queryset, columns)

    monkeypatch.setattr(tracker.exports, "copy_csv_chunks", spy)
    if not by_copy:
        monkeypatch.setattr(tracker.exports, "copies", lambda *args: False)
    response = client.get(reverse("projects:export"), {"format": "csv", **query})
    assert response.status_code == 200
    rows = _rows(b"".join(response.streaming_content))
    monkeypatch.undo()
    return rows, len(calls)


@pytest.fixture
def varied_projects(make_project, make_cluster, investor, district):
    """Projects holding every kind of value a column formats, the awkward ones first."""
    statuses = [value for value, _label in Project.Status.choices]
    industries = [value for value, _label in Project.Industry.choices]
    amounts = [0, 1, 1_234_567_890, 100 * 10**9, 999_999_999_999_999, 12_345_000_000]
    other_commune = Commune.objects.create(name="Cao Phong", kind="commune", former_district=district)
    far = make_cluster(code="CCN-FAR", name="=Cụm xa", commune=other_commune)
    created = []
    for index, name in enumerate(NAMES * 2):
        created.append(Project(
            code=f"DA-X-{index:02d}", name=name, cluster=far if index % 3 == 0 else make_project().cluster,
            investor=investor, status=statuses[index % len(statuses)], industry=industries[index % len(industries)],
            registered_capital_vnd=amounts[index % len(amounts)],
            registered_capital_usd=None if index % 2 else Decimal("12345.67"),
            land_area_ha=Decimal("0.0001") if index % 2 else Decimal("1.5000"),
            latest_implemented_vnd=[None, 0, 987_654_321][index % 3],
            irc_number=None if index % 2 else f"IRC-{index}", irc_date=None if index % 4 == 0 else date(2024, 2, 29),
            land_handover_date=date(2021, 1, 31) if index % 2 else None, workers=index * 1111,
            status_since=date(2025, 12, 31),
        ))
    Project.objects.bulk_create(created)
    return far


@pytest.mark.postgres
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_copy_export_writes_what_the_python_export_writes(staff_client, varied_projects, monkeypatch, language):
    if language == "en":
        staff_client.post(reverse("set_language"), {"language": "en", "next": "/projects/"})
    by_copy, copy_calls = _export(staff_client, monkeypatch, by_copy=True)
    by_python, python_calls = _export(staff_client, monkeypatch, by_copy=False)
    assert (copy_calls, python_calls) == (1, 0)
    assert len(by_copy) == 2 + Project.objects.count() and by_copy == by_python
    # What the cells say, read as a department official would read them.
    header = by_copy[1]
    first = dict(zip(header, by_copy[2 + [row[0] for row in by_copy[2:]].index("DA-X-00")]))
    assert first["project_name"] == "'=HYPERLINK(\"http://x\",\"y\")" and first["cluster_name"] == "'=Cụm xa"
    assert first["registered_capital_billion_vnd"] == "0" and first["land_area_ha"] == "1,5000"
    assert first["registered_capital_usd"] == "12345,67" and first["irc_date"] == ""
    assert first["status"] == ("Đã đăng ký" if language == "vi" else "Registered")
    third = dict(zip(header, by_copy[2 + [row[0] for row in by_copy[2:]].index("DA-X-02")]))
    assert third["registered_capital_billion_vnd"] == "1,23456789" and third["implemented_capital_billion_vnd"] == "0,987654321"
    assert third["irc_date"] == "29/02/2024" and third["project_name"] == "'''+1" and third["workers"] == "2222"


@pytest.mark.postgres
def test_an_unknown_choice_key_is_written_inert_by_both_writers(staff_client, varied_projects, monkeypatch):
    """A status outside the choices (written behind the services' back: no form, import or API call can) comes out
    as it is, but made inert like any text, by COPY as by the Python writer."""
    Project.objects.filter(code="DA-X-01").update(status="=1+1")
    Project.objects.filter(code="DA-X-02").update(status="lạ")
    by_copy, calls = _export(staff_client, monkeypatch, by_copy=True)
    by_python, _calls = _export(staff_client, monkeypatch, by_copy=False)
    assert calls == 1 and by_copy == by_python
    status = {row[0]: row[by_copy[1].index("status")] for row in by_copy[2:]}
    assert status["DA-X-01"] == "'=1+1" and status["DA-X-02"] == "lạ"


@pytest.mark.postgres
def test_the_copy_export_keeps_the_filters_and_the_access_door(client, make_user, varied_projects, monkeypatch):
    officer = make_user("canboxa", "commune_officer", communes=[varied_projects.commune])
    client.force_login(officer)
    by_copy, calls = _export(client, monkeypatch, by_copy=True, status="operating")
    by_python, _calls = _export(client, monkeypatch, by_copy=False, status="operating")
    assert calls == 1 and by_copy == by_python
    codes = [row[0] for row in by_copy[2:]]
    expected = Project.objects.filter(cluster__commune=varied_projects.commune, status="operating").order_by("code")
    assert codes == [p.code for p in expected] and codes


def test_a_list_with_a_column_of_its_own_is_not_copied(varied_projects):
    computed = [*PROJECT_COLUMNS, Column("Nhãn", "label", lambda p: p.code.lower())]
    queryset = Project.objects.all()
    assert not copies(queryset, computed, "csv") and not copies(queryset, PROJECT_COLUMNS, "xlsx")
    assert not copies(None, PROJECT_COLUMNS, "csv")


def test_billions_are_exact_and_zero_is_plain():
    assert billions(0) == 0 and str(billions(0)) == "0"
    assert format(billions(1_234_567_890), "f") == "1.23456789"
    assert format(billions(100 * 10**9), "f") == "100" and billions(None) is None


def test_a_column_needs_a_value_or_a_field_and_a_known_kind():
    with pytest.raises(ValueError):
        Column("Nhãn", "label")
    with pytest.raises(ValueError):
        Column("Nhãn", "label", field="code", kind="money")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_fields_read_as_tuples_give_what_each_column_gives_for_a_project(varied_projects, language):
    """The Python writer reads tuples of the named fields (tracker.exports.field_values); each value is what the
    column gives for the model instance (Column.value: get_FOO_display, billions, the related objects)."""
    from django.utils import translation

    from projects.selectors import project_queryset
    from tracker.exports import field_values

    with translation.override(language):
        queryset = project_queryset().order_by("code")
        by_instance = [[column.value(project) for column in PROJECT_COLUMNS] for project in queryset]
        assert list(field_values(queryset, PROJECT_COLUMNS)) == by_instance and len(by_instance) > 18
