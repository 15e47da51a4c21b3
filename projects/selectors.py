"""Reads for investors and projects, each list at a fixed number of queries."""
from django.db.models import Count, OuterRef, Prefetch, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from projects.models import CapitalReport, Investor, Project


def project_queryset():
    latest_capital = Subquery(
        CapitalReport.objects.filter(project=OuterRef("pk"))
        .order_by("-period_end", "-pk")
        .values("implemented_capital_vnd")[:1]
    )
    return Project.objects.select_related(
        "cluster", "cluster__commune", "cluster__former_district", "investor"
    ).annotate(implemented_capital_vnd=latest_capital)


def project_list(*, filters=None, request=None):
    from projects.filters import ProjectFilter

    return ProjectFilter(filters, queryset=project_queryset(), request=request)


def project_get(*, pk) -> Project:
    return get_object_or_404(
        project_queryset().prefetch_related(
            "capital_reports",
            "adjustments",
            "extensions",
            "force_majeure_periods",
            Prefetch("documents__uploaded_by"),
        ),
        pk=pk,
    )


def investor_queryset():
    capital = Subquery(
        Project.objects.filter(investor=OuterRef("pk"))
        .order_by()
        .values("investor")
        .annotate(total=Sum("registered_capital_vnd"))
        .values("total")
    )
    count = Subquery(
        Project.objects.filter(investor=OuterRef("pk")).order_by().values("investor").annotate(n=Count("pk")).values("n")
    )
    return Investor.objects.annotate(
        project_count=Coalesce(count, Value(0)), total_capital_vnd=Coalesce(capital, Value(0))
    )


def investor_list(*, filters=None, request=None):
    from projects.filters import InvestorFilter

    return InvestorFilter(filters, queryset=investor_queryset(), request=request)


def investor_get(*, pk) -> Investor:
    return get_object_or_404(investor_queryset(), pk=pk)


def investor_projects(investor: Investor):
    return project_queryset().filter(investor=investor).order_by("code")
