"""Reads for cluster infrastructure: the items a user may see, a cluster's totals, whether its infrastructure is
complete, and the expansion check of Decree 32/2024 Art. 8(2) beside the establishment check of Art. 8."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from industry.models.infrastructure import InfrastructureItem, cluster_support_pct
from tracker.access import get_for_user, restrict

# Decree 32/2024 Art. 8(2): an operating cluster may be expanded when it is at least 60 % occupied, or the demand
# for its land exceeds what is left, and its technical infrastructure, the wastewater plant included, is complete.
EXPANSION_OCCUPANCY_PCT = Decimal(60)
EXPANSION_BASIS = "Nghị định 32/2024/NĐ-CP, Điều 8 khoản 2"
# The works a complete infrastructure has (every kind the department records).
REQUIRED_KINDS = tuple(InfrastructureItem.Kind)


def kind_order():
    """The kinds in the order the department lists them (roads, power, water, wastewater, drainage, fire), not in
    the alphabetical order of their stored keys."""
    return Case(*(When(kind=kind, then=Value(n)) for n, kind in enumerate(InfrastructureItem.Kind.values)),
                default=Value(len(InfrastructureItem.Kind.values)), output_field=IntegerField())


def infrastructure_queryset():
    return InfrastructureItem.objects.select_related(
        "cluster", "cluster__commune", "cluster__former_district"
    ).annotate(kind_order=kind_order())


def infrastructure_list(*, filters=None, user):
    from industry.filters.infrastructure import InfrastructureFilter

    return InfrastructureFilter(filters, queryset=restrict(infrastructure_queryset(), user, "view"), user=user)


def infrastructure_get(*, pk, user, action: str = "view") -> InfrastructureItem:
    return get_for_user(infrastructure_queryset(), user, action, pk=pk)


def cluster_items(*, cluster, user) -> list[InfrastructureItem]:
    """The items of one cluster (already fetched for the user), in the order of the kinds, at one query."""
    items = restrict(InfrastructureItem.objects.filter(cluster=cluster), user, "view")
    order = {kind: n for n, kind in enumerate(InfrastructureItem.Kind.values)}
    result = sorted(items, key=lambda item: (order[item.kind], item.planned_completion or date.max, item.pk))
    for item in result:
        item.cluster = cluster  # no query per row for the label
    return result


@dataclass
class Completeness:
    """Is a cluster's infrastructure complete on a day: every kind recorded, every work finished by then."""

    complete: bool
    missing: list = field(default_factory=list)  # kind labels with no item at all
    unfinished: list = field(default_factory=list)  # items not finished by the day
    wastewater: str = "missing"  # "missing", "planned" (recorded, not finished), "complete"


def infrastructure_completeness(items, day: date) -> Completeness:
    by_kind = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item)
    missing = [kind.label for kind in REQUIRED_KINDS if not by_kind.get(kind.value)]
    unfinished = [item for item in items if not item.completed_by(day)]
    plants = by_kind.get(InfrastructureItem.Kind.WASTEWATER.value, [])
    if not plants:
        wastewater = "missing"
    elif all(plant.completed_by(day) for plant in plants):
        wastewater = "complete"
    else:
        wastewater = "planned"
    return Completeness(not missing and not unfinished, missing, unfinished, wastewater)


def expansion_check(*, occupancy_pct, items, day: date) -> dict:
    """Decree 32/2024 Art. 8(2), for one cluster. `occupancy_pct` is the cluster's figure as every page shows it
    (clusters.selectors.occupancy_pct, through cluster_queryset), never recomputed here.

    The tracker keeps no record of the demand for land, so below 60 % the answer is "only if the proposal shows
    that demand exceeds the unleased land" (`if_demand`), not a no. Without complete infrastructure, wastewater
    plant included, the answer is no (`not_yet`) whatever the occupancy."""
    completeness = infrastructure_completeness(items, day)
    occupancy_met = occupancy_pct is not None and occupancy_pct >= EXPANSION_OCCUPANCY_PCT
    if not completeness.complete:
        status = "not_yet"
    elif occupancy_met:
        status = "may_expand"
    else:
        status = "if_demand"
    return {
        "status": status,
        "occupancy_pct": occupancy_pct,
        "occupancy_met": occupancy_met,
        "threshold": EXPANSION_OCCUPANCY_PCT,
        "basis": EXPANSION_BASIS,
        "completeness": completeness,
        "day": day,
    }


def cluster_totals(items) -> dict:
    """A cluster's planned and disbursed investment and the State's share of it (Art. 26), from its items."""
    planned = sum((item.investment_planned_vnd or 0 for item in items), 0)
    disbursed = sum((item.investment_disbursed_vnd or 0 for item in items), 0)
    support = sum((item.support_vnd for item in items), Decimal(0))
    return {
        "planned_vnd": planned,
        "disbursed_vnd": disbursed,
        "support_vnd": support,
        "support_pct": cluster_support_pct([(i.investment_planned_vnd, i.state_support_pct) for i in items]),
        "disbursed_pct": Decimal(disbursed) * 100 / planned if planned else None,
    }


def form_rows(cluster_ids) -> dict[int, list[dict]]:
    """The items of these clusters as plain rows for the reports (Circular 14 form 04/03), one query."""
    rows = defaultdict(list)
    for row in InfrastructureItem.objects.filter(cluster_id__in=cluster_ids).order_by().values(
        "cluster_id", "kind", "actual_completion", "standards_met_on", "investment_planned_vnd",
        "investment_disbursed_vnd",
    ):
        rows[row["cluster_id"]].append(row)
    return rows


WASTEWATER_LABELS = {
    "missing": _("not recorded"),
    "planned": _("recorded, not completed"),
    "complete": _("completed"),
}


@dataclass(frozen=True)
class ReportedFacts:
    """What form 04, the dashboard and the cluster page say of a cluster's infrastructure on a day."""

    approved_vnd: int | None
    paid_vnd: int | None
    wastewater_built: bool
    wastewater_compliant: bool
    from_records: bool  # at least one of the four came from the infrastructure records


def reported_facts(typed: dict, rows: list[dict], day: date) -> ReportedFacts:
    """The one reading of a cluster's infrastructure facts for every screen and report.

    The records answer a question once they hold it; until then the value typed on the cluster answers (it was
    entered before the records existed, and carries no date to turn into an item):
    - investment approved / paid in: the sum of the items' planned / disbursed investment when at least one item
      gives that figure, else the cluster's typed amount;
    - wastewater plant built / meeting the standards: when the cluster has a wastewater-plant item, whether one was
      completed / certified on or before `day` (so a past report reads the past), else the typed flags.
    `typed` holds the cluster's fields (infrastructure_investment_approved_vnd, …_paid_vnd, wastewater_plant_built,
    wastewater_plant_compliant); `rows` its items as form_rows() gives them."""
    planned = [row["investment_planned_vnd"] for row in rows if row["investment_planned_vnd"] is not None]
    disbursed = [row["investment_disbursed_vnd"] for row in rows if row["investment_disbursed_vnd"] is not None]
    plants = [row for row in rows if row["kind"] == InfrastructureItem.Kind.WASTEWATER]
    built, compliant = wastewater_facts(typed["wastewater_plant_built"], typed["wastewater_plant_compliant"], plants, day)
    return ReportedFacts(
        approved_vnd=sum(planned) if planned else typed["infrastructure_investment_approved_vnd"],
        paid_vnd=sum(disbursed) if disbursed else typed["infrastructure_investment_paid_vnd"],
        wastewater_built=built,
        wastewater_compliant=compliant,
        from_records=bool(planned or disbursed or plants),
    )


def wastewater_facts(typed_built: bool, typed_compliant: bool, plants: list[dict], day: date) -> tuple[bool, bool]:
    """(built, meets the standards) of a cluster's wastewater plant on `day`: from its wastewater-plant items when it
    has any (completed / certified on or before the day), else the flags typed on the cluster."""
    if not plants:
        return typed_built, typed_compliant
    built = any(row["actual_completion"] is not None and row["actual_completion"] <= day for row in plants)
    compliant = any(row["standards_met_on"] is not None and row["standards_met_on"] <= day for row in plants)
    return built, compliant


def wastewater_rows(*, user) -> dict[int, list[dict]]:
    """The wastewater-plant items of the clusters the user may see, by cluster, in one query (the dashboard)."""
    rows = defaultdict(list)
    plants = restrict(InfrastructureItem.objects.filter(kind=InfrastructureItem.Kind.WASTEWATER), user, "view")
    for row in plants.order_by().values("cluster_id", "kind", "actual_completion", "standards_met_on"):
        rows[row["cluster_id"]].append(row)
    return rows


def item_rows(items) -> list[dict]:
    """Loaded items as the rows reported_facts() reads (no query)."""
    return [
        {"kind": i.kind, "actual_completion": i.actual_completion, "standards_met_on": i.standards_met_on,
         "investment_planned_vnd": i.investment_planned_vnd, "investment_disbursed_vnd": i.investment_disbursed_vnd}
        for i in items
    ]


def wastewater_expressions(fact: str):
    """The registered builder (clusters.reported) of a wastewater fact as wastewater_facts() reads it, for a cluster
    row: when the cluster has a wastewater-plant item, whether one was completed (`wastewater_built`) / certified
    (`wastewater_compliant`) on or before the day; else the flag typed on the cluster. The cluster list's filter and
    the cluster export read it, so they answer as the cluster page, form 04 and the dashboard do."""
    from django.db.models import BooleanField, Case, Exists, F, OuterRef, When

    date_field, typed = {"wastewater_built": ("actual_completion", "wastewater_plant_built"),
                         "wastewater_compliant": ("standards_met_on", "wastewater_plant_compliant")}[fact]

    def build(day):
        plants = InfrastructureItem.objects.filter(cluster=OuterRef("pk"), kind=InfrastructureItem.Kind.WASTEWATER)
        return Case(
            When(Exists(plants), then=Exists(plants.filter(**{f"{date_field}__lte": day}))),
            default=F(typed),
            output_field=BooleanField(),
        )

    return build
