"""Reads for khuyến công schemes: the list behind its filters, one scheme for a user, and a year's totals against
its approved plan."""
from django.db.models import Count, Q, Sum

from industry.models import Scheme, SchemePlan
from tracker.access import get_for_user, restrict


def scheme_queryset():
    return Scheme.objects.select_related("commune", "investor")


def scheme_list(*, filters=None, user):
    from industry.filters.schemes import SchemeFilter

    return SchemeFilter(filters, queryset=restrict(scheme_queryset(), user, "view"), user=user)


def scheme_get(*, pk, user, action: str = "view") -> Scheme:
    return get_for_user(scheme_queryset(), user, action, pk=pk)


def scheme_years(*, user) -> list[int]:
    """The years that have a plan or a scheme the user may see, newest first."""
    years = set(SchemePlan.objects.values_list("year", flat=True))
    years |= set(restrict(Scheme.objects.order_by(), user, "view").values_list("year", flat=True).distinct())
    return sorted(years, reverse=True)


def scheme_year(*, year: int, user) -> dict:
    """A year's schemes the user may see, with their totals by kind and overall, against the year's plan. Cancelled
    schemes are listed but not counted in the totals."""
    schemes = restrict(scheme_queryset(), user, "view").filter(year=year)
    counted = schemes.exclude(status=Scheme.Status.CANCELLED)
    sums = {"n": Count("pk"), "province": Sum("province_budget_vnd"), "counterpart": Sum("counterpart_vnd"),
            "completed": Count("pk", filter=Q(status=Scheme.Status.COMPLETED))}
    totals = counted.aggregate(**sums)
    totals = {key: value or 0 for key, value in totals.items()}
    totals["all_funds"] = totals["province"] + totals["counterpart"]
    labels = dict(Scheme.Kind.choices)
    by_kind = [
        {"kind": row["kind"], "label": labels[row["kind"]], "n": row["n"], "province": row["province"] or 0,
         "counterpart": row["counterpart"] or 0, "completed": row["completed"]}
        for row in counted.order_by("kind").values("kind").annotate(**sums)
    ]
    plan = SchemePlan.objects.filter(year=year).first()
    return {"year": year, "schemes": schemes.order_by("name", "pk"), "totals": totals, "by_kind": by_kind, "plan": plan,
            "cancelled": schemes.filter(status=Scheme.Status.CANCELLED).count()}
