"""Every date of the obstacle and khuyến công forms at the edges of the tracker's window (tests/faults/
test_date_edges.py): the first and last day accepted and saved as typed, the day before and after refused with the
window's message and the input kept. A day the rules forbid anyway (an obstacle raised, resolved or acted on in the
future, a scheme completed in the future) is refused without the window's message."""
from datetime import date

from django.urls import reverse

from industry.models import Obstacle, ObstacleAction, Scheme
from tests.faults.test_date_edges import EARLIEST, EDGES, LATEST, WINDOW, _check, _post_edge, staff  # noqa: F401

# (form, field) → {other fields posted with it}; FUTURE_ONLY: refused at LATEST by the rules, not the window.
OBSTACLE_CASES = {
    "raised_on": {"target_date": "", "resolved_on": "", "status": "open"},
    "target_date": {"raised_on": EARLIEST, "resolved_on": "", "status": "open"},
    "resolved_on": {"raised_on": EARLIEST, "target_date": "", "status": "resolved"},
}
SCHEME_CASES = {
    "approved_on": {"completed_on": "", "status": "approved"},
    "completed_on": {"approved_on": EARLIEST, "status": "completed"},
}
FUTURE_ONLY = {("ObstacleForm", "raised_on"), ("ObstacleForm", "resolved_on"), ("ObstacleActionForm", "taken_on"),
               ("SchemeForm", "completed_on")}
COVERED = ({f"ObstacleForm.{name}" for name in OBSTACLE_CASES} | {f"SchemeForm.{name}" for name in SCHEME_CASES}
           | {"ObstacleActionForm.taken_on"})


def _run(client, form_name, name, url, others, saved, problems):
    for day, inside in EDGES:
        response = _post_edge(client, url, url, {name: day, **others}, day)
        if (form_name, name) in FUTURE_ONLY and day == LATEST:
            assert response.status_code == 200 and WINDOW not in response.content.decode(), (form_name, name)
            continue
        _check(response, day, inside, f"{form_name}.{name}", problems, saved)


def test_every_obstacle_and_scheme_date_at_the_edges_of_the_window(staff, project, commune):  # noqa: F811
    problems = []
    for name, others in OBSTACLE_CASES.items():
        obstacle = Obstacle.objects.create(title="Biên", kind="other", project=project, cluster=project.cluster,
                                           agency="UBND", raised_on=EARLIEST)
        url = reverse("industry:obstacle_update", args=[obstacle.pk])
        _run(staff, "ObstacleForm", name, url, others,
             lambda pk=obstacle.pk, name=name: getattr(Obstacle.objects.get(pk=pk), name), problems)
    obstacle = Obstacle.objects.create(title="Biên", kind="other", cluster=project.cluster, agency="UBND",
                                       raised_on=EARLIEST)
    _run(staff, "ObstacleActionForm", "taken_on", reverse("industry:obstacle_action_create", args=[obstacle.pk]),
         {"description": "Họp"}, lambda: ObstacleAction.objects.order_by("-pk").first().taken_on, problems)
    for name, others in SCHEME_CASES.items():
        scheme = Scheme.objects.create(year=2024, name="Biên", kind="training", business_name="HTX", commune=commune,
                                       province_budget_vnd=10**8, approved_on=date(2024, 1, 1))
        url = reverse("industry:scheme_update", args=[scheme.pk])
        _run(staff, "SchemeForm", name, url, others,
             lambda pk=scheme.pk, name=name: getattr(Scheme.objects.get(pk=pk), name), problems)
    assert not problems, "\n".join(problems)
