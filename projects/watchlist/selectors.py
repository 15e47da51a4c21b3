"""Reads of the watchlist: flags with what their pages show, the list as the user may see it, the last scan."""
from projects.models import Flag, Scan
from projects.models.watchlist import severity_order
from projects.watchlist.filters import FlagFilter
from tracker import access

SEVERITY_ORDER = severity_order()  # the expression the index flag_open_by_severity is built on


def flag_queryset():
    return Flag.objects.select_related(
        "rule", "project", "project__cluster", "project__cluster__commune", "project__cluster__former_district",
        "project__investor", "assignee",
    ).annotate(severity_rank=SEVERITY_ORDER)


def flag_list(*, filters=None, user):
    return FlagFilter(filters, queryset=access.restrict(flag_queryset(), user, "view"), user=user)


def last_successful_scan():
    return Scan.objects.filter(status=Scan.Status.SUCCEEDED, project__isnull=True).order_by("-finished_at").first()


