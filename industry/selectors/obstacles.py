"""Reads for obstacles: the list behind its filters, one obstacle for a user, the unresolved ones of a cluster or a
project, and the dashboard's counts by kind and agency (one query)."""
from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone

from industry.models import Obstacle, ObstacleAction
from tracker.access import get_for_user, restrict


def obstacle_queryset():
    return Obstacle.objects.select_related("cluster__commune", "project", "force_majeure_period")


def obstacle_list(*, filters=None, user):
    from industry.filters.obstacles import ObstacleFilter

    return ObstacleFilter(filters, queryset=restrict(obstacle_queryset(), user, "view"), user=user)


def obstacle_get(*, pk, user, action: str = "view") -> Obstacle:
    return get_for_user(obstacle_queryset(), user, action, pk=pk)


def obstacle_actions(obstacle: Obstacle):
    return ObstacleAction.objects.filter(obstacle=obstacle).select_related("recorded_by").order_by("-taken_on", "-pk")


def unresolved_obstacles(*, user, cluster=None, project=None, today=None) -> list[Obstacle]:
    """The obstacles not yet resolved of one cluster (its projects' included) or one project that the user may see,
    the overdue first (oldest target first), then the newest; one query."""
    today = today or timezone.localdate()
    queryset = restrict(Obstacle.objects.select_related("project"), user, "view").filter(status__in=Obstacle.UNRESOLVED)
    if cluster is not None:
        queryset = queryset.filter(cluster=cluster)
    if project is not None:
        queryset = queryset.filter(project=project)
    rows = list(queryset.order_by("target_date", "-raised_on", "pk"))
    overdue = [o for o in rows if o.is_overdue(today)]
    others = sorted((o for o in rows if not o.is_overdue(today)), key=lambda o: (o.raised_on, o.pk), reverse=True)
    return overdue + others


def obstacle_summary(*, user, today=None) -> dict:
    """The unresolved obstacles the user may see, by kind and by responsible agency, with how many are past their
    target date: one grouped query."""
    today = today or timezone.localdate()
    unresolved = restrict(Obstacle.objects.order_by(), user, "view").filter(status__in=Obstacle.UNRESOLVED)
    by_kind, by_agency = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    total = overdue = 0
    for kind, agency, n, late in unresolved.values_list("kind", "agency").annotate(
        n=Count("pk"), late=Count("pk", filter=Q(target_date__lt=today))
    ):
        by_kind[kind][0] += n
        by_kind[kind][1] += late
        by_agency[agency][0] += n
        by_agency[agency][1] += late
        total += n
        overdue += late
    labels = dict(Obstacle.Kind.choices)
    return {
        "total": total,
        "overdue": overdue,
        "by_kind": [{"kind": kind, "label": labels[kind], "n": by_kind[kind][0], "overdue": by_kind[kind][1]}
                    for kind in Obstacle.Kind.values if kind in by_kind],
        "by_agency": sorted(({"agency": agency, "n": n, "overdue": late} for agency, (n, late) in by_agency.items()),
                            key=lambda row: (-row["n"], row["agency"])),
    }
