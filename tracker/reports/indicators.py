"""The 27 cumulative indicators of Circular 14/2024/TT-BCT form 04 (the province) and form 03 (one commune), counted
as of a cut-off date: 14 June for the half-year report, 14 December for the year report (DESIGN.md §4).

What "as of the cut-off" means for each figure is in docs/reports.md. In short: a cluster counts from its
establishment decision date; a project from its investment registration certificate (else its policy approval)
until the day its termination was recorded; capital, revenue, budget and workers come from the capital reports whose
period ended by the cut-off; the infrastructure from its dated records (industry.selectors.reported_facts), else from
the values typed on the cluster. Fields that carry no date (a cluster's stage, a typed wastewater flag) are read as
they are today. Five queries whatever the data size; the sums are done here in Python over plain rows.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from clusters.selectors import occupancy_pct
from industry.selectors.infrastructure import form_rows, reported_facts
from projects.models import CapitalReport, Project
from tracker.numbers import vnd_to_billions

HALF_YEAR, YEAR = "h1", "year"
PERIODS = {HALF_YEAR: (6, 14), YEAR: (12, 14)}  # the data cut-off of each report (Circular 14/2024 Art. 13)
PERIOD_LABELS = {HALF_YEAR: _("First half-year"), YEAR: _("Whole year")}

UNIT_CLUSTERS, UNIT_HA, UNIT_BILLION, UNIT_PCT, UNIT_PROJECTS, UNIT_PEOPLE = (
    "clusters", "ha", "billion", "pct", "projects", "people",
)
# Đơn vị tính: cụm, ha, tỷ đồng, %, dự án, người.
UNITS = {
    UNIT_CLUSTERS: _("clusters"), UNIT_HA: "ha", UNIT_BILLION: _("billion VND"), UNIT_PCT: "%",
    UNIT_PROJECTS: _("projects"), UNIT_PEOPLE: _("people"),
}
COUNT_UNITS = {UNIT_CLUSTERS, UNIT_PROJECTS, UNIT_PEOPLE}
ESTABLISHED_STAGES = {
    Cluster.Stage.ESTABLISHED, Cluster.Stage.DETAILED_PLAN, Cluster.Stage.INFRASTRUCTURE, Cluster.Stage.OPERATING,
    Cluster.Stage.EXPANDED,
}
PLAN_APPROVED_STAGES = {Cluster.Stage.DETAILED_PLAN, Cluster.Stage.INFRASTRUCTURE, Cluster.Stage.OPERATING,
                        Cluster.Stage.EXPANDED}
# Months a capital report covers, to add up revenue without counting a quarter twice (Q2 and H1 overlap).
PERIOD_MONTHS = {
    "Q1": frozenset(range(1, 4)), "Q2": frozenset(range(4, 7)), "Q3": frozenset(range(7, 10)),
    "Q4": frozenset(range(10, 13)), "H1": frozenset(range(1, 7)), "H2": frozenset(range(7, 13)),
    "Y": frozenset(range(1, 13)),
}

# (group, key, label, unit): the numbered rows of the form, in order. The numbers (STT) follow this order.
GROUPS = {
    "clusters": _("Industrial clusters"),
    "investment": _("Infrastructure investment"),
    "land": _("Industrial land"),
    "projects": _("Secondary projects"),
    "results": _("Production and business results"),
    "environment": _("Environment"),
}
ROWS = [
    ("clusters", "planned", _("Clusters in the provincial plan"), UNIT_CLUSTERS),
    ("clusters", "planned_area", _("Total area of the clusters in the plan"), UNIT_HA),
    ("clusters", "established", _("Clusters established"), UNIT_CLUSTERS),
    ("clusters", "established_area", _("Total area of the clusters established"), UNIT_HA),
    ("clusters", "established_industrial", _("Industrial land of the clusters established"), UNIT_HA),
    ("clusters", "detailed_plan", _("Clusters with the detailed 1/500 plan approved"), UNIT_CLUSTERS),
    ("clusters", "infrastructure", _("Clusters with infrastructure under construction"), UNIT_CLUSTERS),
    ("clusters", "operating", _("Clusters operating"), UNIT_CLUSTERS),
    ("clusters", "operating_area", _("Total area of the clusters operating"), UNIT_HA),
    ("clusters", "with_developer", _("Clusters with an infrastructure developer"), UNIT_CLUSTERS),
    ("investment", "infra_approved", _("Infrastructure investment approved"), UNIT_BILLION),
    ("investment", "infra_paid", _("Infrastructure investment paid in"), UNIT_BILLION),
    ("land", "leased", _("Industrial land leased to secondary projects"), UNIT_HA),
    ("land", "unleased", _("Industrial land not yet leased"), UNIT_HA),
    ("land", "occupancy", _("Average occupancy of the clusters established"), UNIT_PCT),
    ("projects", "projects", _("Secondary projects in the clusters"), UNIT_PROJECTS),
    ("projects", "capital", _("Registered capital of the secondary projects"), UNIT_BILLION),
    ("projects", "implemented", _("Capital implemented by the secondary projects"), UNIT_BILLION),
    ("projects", "foreign", _("Foreign-invested secondary projects"), UNIT_PROJECTS),
    ("projects", "foreign_capital", _("Registered capital of the foreign-invested projects"), UNIT_BILLION),
    ("projects", "operating_projects", _("Secondary projects operating"), UNIT_PROJECTS),
    ("projects", "construction_projects", _("Secondary projects under construction"), UNIT_PROJECTS),
    ("results", "revenue", _("Revenue of the secondary projects in the year to the cut-off"), UNIT_BILLION),
    ("results", "budget", _("Budget contributions of the secondary projects in the year to the cut-off"), UNIT_BILLION),
    ("results", "workers", _("Workers in the secondary projects"), UNIT_PEOPLE),
    ("environment", "wastewater_built", _("Clusters with a central wastewater treatment plant built"), UNIT_CLUSTERS),
    ("environment", "wastewater_compliant", _("Clusters whose wastewater treatment plant meets the standards"),
     UNIT_CLUSTERS),
]


@dataclass(frozen=True)
class Indicator:
    number: int
    group: str
    key: str
    label: str
    unit: str  # a key of UNITS
    value: int | Decimal | None

    @property
    def unit_label(self) -> str:
        return str(UNITS[self.unit])


def cutoff_date(year: int, period: str) -> date:
    month, day = PERIODS[period]
    return date(year, month, day)


def latest_period(today: date) -> tuple[int, str]:
    """The last report whose cut-off has passed by `today`: what the department is working on or just sent."""
    if today >= cutoff_date(today.year, YEAR):
        return today.year, YEAR
    if today >= cutoff_date(today.year, HALF_YEAR):
        return today.year, HALF_YEAR
    return today.year - 1, YEAR


def registered_by(cutoff: date) -> Q:
    """Registered by the cut-off: by the investment registration certificate, else the policy approval. A project
    with neither date is not yet a project in law and is left out."""
    return Q(irc_date__lte=cutoff) | Q(irc_date__isnull=True, policy_approval_date__lte=cutoff)


def _terminated_on(project_ids) -> dict[int, date]:
    """The day each terminated project's termination was recorded: the first historical record in that status."""
    rows = (
        Project.history.model.objects.filter(status=Project.Status.TERMINATED, id__in=project_ids)
        .order_by().values("id").annotate(first=Min("history_date"))
    )
    return {row["id"]: timezone.localdate(row["first"]) for row in rows}


def _year_sum(reports: list[dict], field: str) -> int | None:
    """A flow (revenue, budget) over the year from reports that may overlap: the widest periods first, a report
    left out when its months are already covered (an H1 report wins over its Q1 and Q2)."""
    covered, total, seen = set(), 0, False
    for report in sorted(reports, key=lambda r: (-len(PERIOD_MONTHS[r["period"]]), r["period_end"])):
        months = PERIOD_MONTHS[report["period"]]
        if covered & months:
            continue
        covered |= months
        if report[field] is not None:
            total += report[field]
            seen = True
    return total if seen else None


def form_figures(*, cutoff: date, commune=None) -> dict:
    """The figures of form 04 (commune=None: the whole province) or form 03 (one commune) as of `cutoff`."""
    clusters = Cluster.objects.exclude(stage=Cluster.Stage.DISSOLVED)
    projects = Project.objects.filter(registered_by(cutoff))
    if commune is not None:
        clusters = clusters.filter(commune=commune)
        projects = projects.filter(cluster__commune=commune)

    cluster_rows = list(clusters.order_by().values(
        "pk", "stage", "total_area_ha", "industrial_land_ha", "establishment_date", "detailed_plan_date",
        "developer_name", "infrastructure_investment_approved_vnd", "infrastructure_investment_paid_vnd",
        "wastewater_plant_built", "wastewater_plant_compliant",
    ))
    project_rows = list(projects.order_by().values(
        "pk", "cluster_id", "status", "registered_capital_vnd", "land_area_ha", "actual_construction_start",
        "actual_operation_start", "workers", "investor__is_foreign",
    ))
    terminated = _terminated_on(projects.filter(status=Project.Status.TERMINATED).values("pk"))
    reports = defaultdict(list)
    for report in (
        CapitalReport.objects.filter(project__in=projects.values("pk"), period_end__lte=cutoff)
        .order_by("project_id", "period_end", "pk")
        .values("project_id", "year", "period", "period_end", "implemented_capital_vnd", "revenue_vnd",
                "budget_contribution_vnd", "workers")
    ):
        reports[report["project_id"]].append(report)

    def counted(project) -> bool:
        """Registered by the cut-off (the query) and not terminated by it."""
        if project["status"] != Project.Status.TERMINATED:
            return True
        ended = terminated.get(project["pk"])
        return ended is not None and ended > cutoff

    project_rows = [p for p in project_rows if counted(p)]
    established = [
        c for c in cluster_rows if c["establishment_date"] is not None and c["establishment_date"] <= cutoff
    ]
    established_ids = {c["pk"] for c in established}
    # Infrastructure investment (11, 12) and the wastewater plant (26, 27): from the infrastructure records where they
    # hold the fact, as of the cut-off; else the values typed on the cluster (industry.selectors.reported_facts).
    items = form_rows(established_ids)
    infrastructure = {c["pk"]: reported_facts(c, items.get(c["pk"], []), cutoff) for c in established}

    def plan_approved(c) -> bool:
        if c["detailed_plan_date"] is not None:
            return c["detailed_plan_date"] <= cutoff
        return c["stage"] in PLAN_APPROVED_STAGES

    def area(rows, field) -> Decimal:
        return sum((c[field] or Decimal(0) for c in rows), Decimal(0))

    leased_by_cluster = defaultdict(Decimal)
    for p in project_rows:
        leased_by_cluster[p["cluster_id"]] += p["land_area_ha"]
    occupancies, unleased = [], Decimal(0)
    for c in established:
        land = c["industrial_land_ha"]
        if land:
            # tỷ lệ lấp đầy as of the cut-off, per cluster (the one formula), then averaged
            occupancies.append(occupancy_pct(leased_by_cluster[c["pk"]], land))
            unleased += max(land - leased_by_cluster[c["pk"]], Decimal(0))

    implemented = revenue = budget = workers = 0
    revenue_seen = budget_seen = False
    for p in project_rows:
        own = reports.get(p["pk"], [])
        if own:
            implemented += own[-1]["implemented_capital_vnd"]
        reported_workers = [r["workers"] for r in own if r["workers"] is not None]
        workers += reported_workers[-1] if reported_workers else p["workers"]
        this_year = [r for r in own if r["year"] == cutoff.year]
        year_revenue, year_budget = _year_sum(this_year, "revenue_vnd"), _year_sum(this_year, "budget_contribution_vnd")
        if year_revenue is not None:
            revenue, revenue_seen = revenue + year_revenue, True
        if year_budget is not None:
            budget, budget_seen = budget + year_budget, True

    def operating_project(p) -> bool:
        if p["actual_operation_start"] is not None:
            return p["actual_operation_start"] <= cutoff
        return p["status"] == Project.Status.OPERATING  # no date recorded: read the status as it is today

    def building(p) -> bool:
        started = p["actual_construction_start"]
        if started is None:
            return False
        return started <= cutoff and not operating_project(p)

    operating_clusters = [c for c in established if c["stage"] in (Cluster.Stage.OPERATING, Cluster.Stage.EXPANDED)]
    foreign = [p for p in project_rows if p["investor__is_foreign"]]
    values = {
        "planned": len(cluster_rows),
        "planned_area": area(cluster_rows, "total_area_ha"),
        "established": len(established),
        "established_area": area(established, "total_area_ha"),
        "established_industrial": area(established, "industrial_land_ha"),
        "detailed_plan": sum(1 for c in established if plan_approved(c)),
        "infrastructure": sum(1 for c in established if c["stage"] == Cluster.Stage.INFRASTRUCTURE),
        "operating": len(operating_clusters),
        "operating_area": area(operating_clusters, "total_area_ha"),
        "with_developer": sum(1 for c in established if c["developer_name"].strip()),
        "infra_approved": vnd_to_billions(sum(facts.approved_vnd or 0 for facts in infrastructure.values())),
        "infra_paid": vnd_to_billions(sum(facts.paid_vnd or 0 for facts in infrastructure.values())),
        "leased": sum((leased_by_cluster[pk] for pk in established_ids), Decimal(0)),
        "unleased": unleased,
        "occupancy": (sum(occupancies) / len(occupancies)).quantize(Decimal("0.01")) if occupancies else None,
        "projects": len(project_rows),
        "capital": vnd_to_billions(sum(p["registered_capital_vnd"] for p in project_rows)),
        "implemented": vnd_to_billions(implemented),
        "foreign": len(foreign),
        "foreign_capital": vnd_to_billions(sum(p["registered_capital_vnd"] for p in foreign)),
        "operating_projects": sum(1 for p in project_rows if operating_project(p)),
        "construction_projects": sum(1 for p in project_rows if building(p)),
        "revenue": vnd_to_billions(revenue) if revenue_seen else None,
        "budget": vnd_to_billions(budget) if budget_seen else None,
        "workers": workers,
        "wastewater_built": sum(1 for facts in infrastructure.values() if facts.wastewater_built),
        "wastewater_compliant": sum(1 for facts in infrastructure.values() if facts.wastewater_compliant),
    }
    return values


def form_indicators(*, cutoff: date, commune=None) -> list[Indicator]:
    values = form_figures(cutoff=cutoff, commune=commune)
    return [
        Indicator(number, group, key, label, unit, values[key])
        for number, (group, key, label, unit) in enumerate(ROWS, start=1)
    ]
