"""Reads for investors and projects, each list at a fixed number of queries."""
from django.db.models import Count, OuterRef, Prefetch, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Investor, Project
from tracker.access import get_for_user, restrict


def project_queryset():
    """Projects with their cluster, commune and investor. The capital implemented to date is the stored
    `latest_implemented_vnd` (kept by the services from the latest capital report), the figure the dashboard and
    the cluster summaries add up."""
    return Project.objects.select_related("cluster", "cluster__commune", "cluster__former_district", "investor")


def project_list(*, filters=None, user):
    from projects.filters import ProjectFilter

    return ProjectFilter(filters, queryset=restrict(project_queryset(), user, "view"), user=user)


def project_get(*, pk, user) -> Project:
    return get_for_user(
        project_queryset().prefetch_related(
            "capital_reports",
            "adjustments",
            "extensions",
            "force_majeure_periods",
            "violation_notices",
            "transfer_requests",
            "unreachable_records",
            Prefetch("documents__uploaded_by"),
        ),
        user,
        "view",
        pk=pk,
    )


def investor_queryset(user=None):
    """Investors with the number and capital of their projects, counting only the projects `user` may see
    (a commune officer's totals never include other communes)."""
    projects = restrict(Project.objects.all(), user, "view") if user is not None else Project.objects.all()
    capital = Subquery(
        projects.filter(investor=OuterRef("pk"))
        .order_by()
        .values("investor")
        .annotate(total=Sum("registered_capital_vnd"))
        .values("total")
    )
    count = Subquery(
        projects.filter(investor=OuterRef("pk")).order_by().values("investor").annotate(n=Count("pk")).values("n")
    )
    return Investor.objects.annotate(
        project_count=Coalesce(count, Value(0)), total_capital_vnd=Coalesce(capital, Value(0))
    )


def investor_list(*, filters=None, user):
    from projects.filters import InvestorFilter

    return InvestorFilter(filters, queryset=restrict(investor_queryset(user), user, "view"), user=user)


def investor_get(*, pk, user) -> Investor:
    return get_for_user(investor_queryset(user), user, "view", pk=pk)


def investor_projects(investor: Investor, user):
    """The investor's projects that this user may see."""
    return restrict(project_queryset(), user, "view").filter(investor=investor).order_by("code")


def project_deadlines(project: Project) -> list[dict]:
    """The three committed deadlines beside what happened: late when done after, overdue when not done and past."""
    today = timezone.localdate()
    rows = []
    for label, deadline, actual in (
        (_("Construction start"), project.construction_start_deadline, project.actual_construction_start),
        (_("Construction completion"), project.construction_completion_deadline, project.actual_completion),
        (_("Operation"), project.operation_deadline, project.actual_operation_start),
    ):
        rows.append(
            {
                "label": label,
                "deadline": deadline,
                "actual": actual,
                "late": bool(deadline and actual and actual > deadline),
                "overdue": bool(deadline and not actual and deadline < today),
            }
        )
    return rows
