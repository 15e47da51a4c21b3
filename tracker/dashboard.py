"""The leadership dashboard's figures: the year's targets, the clusters' state, the watchlist; a fixed number of
queries whatever the data size, every figure computed over what the user may see."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum
from django.urls import reverse

from clusters.models import Cluster, ClusterSummary, EstablishmentCriteria
from clusters.selectors import occupancy_pct
from industry.models import Obstacle
from industry.selectors.obstacles import obstacle_summary
from industry.selectors.infrastructure import wastewater_facts, wastewater_rows
from projects.models import AnnualTarget, Flag, Project, Rule, Scan, Severity
from projects.watchlist.coming_due import due_counts, due_deadlines
from tracker.access import can, restrict
from tracker.numbers import vnd_to_billions

ESTABLISHED = {
    Cluster.Stage.ESTABLISHED, Cluster.Stage.DETAILED_PLAN, Cluster.Stage.INFRASTRUCTURE, Cluster.Stage.OPERATING,
    Cluster.Stage.EXPANDED,
}


@dataclass
class ClusterRow:
    """A cluster as the dashboard shows it: its columns, then its projects' figures, derived below."""

    pk: int
    code: str
    name: str
    stage: str
    industrial_land_ha: Decimal | None
    wastewater_plant_built: bool
    wastewater_plant_compliant: bool
    commune_id: int
    former_district_id: int
    commune_name: str
    district_name: str
    status_map: dict = None
    active_projects: int = 0
    capital_vnd: int = 0
    leased_ha: Decimal = Decimal(0)
    unleased_ha: Decimal | None = None
    occupancy_pct: Decimal | None = None

    def get_absolute_url(self) -> str:
        return reverse("clusters:detail", args=[self.pk])

    def statuses(self) -> list[tuple[str, str, int]]:
        """The statuses the cluster has projects in, with their counts; built only for the clusters a page shows."""
        counts = self.status_map
        return [(value, label, counts[value]) for value, label in Project.Status.choices if counts.get(value)]

    def get_stage_display(self) -> str:
        return str(Cluster.Stage(self.stage).label)


@dataclass
class TargetLine:
    key: str
    actual: int | Decimal  # capital in billions of VND keeps its fraction (37,5)
    minimum: int | Decimal | None
    maximum: int | Decimal | None
    fraction: Decimal  # share of the year elapsed
    url: str

    @property
    def position(self) -> str | None:
        if self.minimum is None:
            return None
        if self.actual < self.minimum:
            return "below"
        if self.actual > self.maximum:
            return "above"
        return "within"

    @property
    def expected_min(self):
        return None if self.minimum is None else Decimal(self.minimum) * self.fraction

    @property
    def expected_max(self):
        return None if self.maximum is None else Decimal(self.maximum) * self.fraction

    @property
    def projection(self):
        """A straight line: what the year ends at if it goes on at this pace."""
        return None if not self.fraction else Decimal(self.actual) / self.fraction

    @property
    def on_pace(self) -> bool | None:
        return None if self.expected_min is None else Decimal(self.actual) >= self.expected_min


def attracted_in_year(year: int) -> Q:
    """Attracted in a year: by the investment registration certificate, else the policy approval. Written as two
    date ranges (not COALESCE) so that the date indexes serve it."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    return Q(irc_date__range=(first, last)) | Q(irc_date__isnull=True, policy_approval_date__range=(first, last))


def year_fraction(year: int, today: date) -> Decimal:
    """How much of `year` has passed by `today` (its last day included): 0 before it, 1 after it."""
    if year < today.year:
        return Decimal(1)
    if year > today.year:
        return Decimal(0)
    days = (date(year, 12, 31) - date(year, 1, 1)).days + 1
    return Decimal((today - date(year, 1, 1)).days + 1) / Decimal(days)


COMING_DUE_DAYS = 30  # the dashboard's window of the coming-due list


def latest_target_year(today: date) -> int | None:
    """The latest year, up to this one, that has targets (targets set ahead for a year not begun do not count)."""
    return AnnualTarget.objects.filter(year__lte=today.year).aggregate(latest=Max("year"))["latest"]


def default_year(today: date) -> int:
    """The year the dashboard opens on when none is asked for: the latest year with targets, else this year."""
    return latest_target_year(today) or today.year


def dashboard(*, user, year: int, today: date) -> dict:
    projects = restrict(Project.objects.all(), user, "view")
    clusters_visible = restrict(Cluster.objects.all(), user, "view")
    fraction = year_fraction(year, today)
    target = AnnualTarget.objects.filter(year=year).first()

    attracted_projects = projects.filter(attracted_in_year(year))
    totals = {"n": Count("pk"), "capital": Sum("registered_capital_vnd"), "implemented": Sum("latest_implemented_vnd")}
    attracted = attracted_projects.aggregate(**totals)
    established = clusters_visible.filter(establishment_date__year=year).count()
    lines = [
        TargetLine("projects", attracted["n"], target and target.projects_min, target and target.projects_max, fraction,
                   f"/projects/?attracted_year={year}"),
        TargetLine("capital", vnd_to_billions(attracted["capital"] or 0),
                   target and vnd_to_billions(target.capital_min_vnd), target and vnd_to_billions(target.capital_max_vnd),
                   fraction, f"/projects/?attracted_year={year}&o=-capital"),
        TargetLine("clusters", established, target and target.clusters_min, target and target.clusters_max, fraction,
                   f"/clusters/?established_from=01/01/{year}&established_to=31/12/{year}"),
    ]

    # One plain query for the clusters and one for their summary (the projects by cluster and status, kept by the
    # project services); occupancy is derived here by clusters.selectors.occupancy_pct, as on the cluster list (whose
    # correlated subqueries cost too much over thousands of clusters).
    cluster_rows = [
        ClusterRow(*row)
        for row in clusters_visible.order_by("name").values_list(
            "pk", "code", "name", "stage", "industrial_land_ha", "wastewater_plant_built", "wastewater_plant_compliant",
            "commune_id", "former_district_id", "commune__name", "former_district__name",
        )
    ]  # values_list in ClusterRow's field order: thousands of rows, no dict per row
    per_cluster = {}  # cluster id → [projects by status, active projects, their capital, their land]
    operating = {"n": 0, "capital": 0, "implemented": 0}
    operating_status, terminated_status = str(Project.Status.OPERATING), str(Project.Status.TERMINATED)
    summary = restrict(ClusterSummary.objects.order_by(), user, "view", permission_of=Project)
    for cluster_id, status, n, capital, land, implemented in summary.values_list(
        "cluster_id", "status", "projects", "registered_capital_vnd", "land_area_ha", "implemented_capital_vnd"
    ):
        figures = per_cluster.get(cluster_id)
        if figures is None:
            figures = per_cluster[cluster_id] = [{}, 0, 0, Decimal(0)]
        figures[0][status] = n
        if status == operating_status:
            operating["n"] += n
            operating["capital"] += capital
            operating["implemented"] += implemented
        if status != terminated_status:
            figures[1] += n
            figures[2] += capital
            figures[3] += land
    no_projects = ({}, 0, 0, Decimal(0))
    plants = wastewater_rows(user=user)  # the wastewater plant as form 04 reads it: its items, else the typed flags
    for cluster in cluster_rows:
        cluster.wastewater_plant_built, cluster.wastewater_plant_compliant = wastewater_facts(
            cluster.wastewater_plant_built, cluster.wastewater_plant_compliant, plants.get(cluster.pk, []), today
        )
        cluster.status_map, cluster.active_projects, cluster.capital_vnd, cluster.leased_ha = per_cluster.get(
            cluster.pk, no_projects
        )
        land = cluster.industrial_land_ha
        cluster.unleased_ha = None if land is None else land - cluster.leased_ha
        cluster.occupancy_pct = occupancy_pct(cluster.leased_ha, land)

    criteria = EstablishmentCriteria.current()
    by_commune = _totals(cluster_rows, lambda c: (c.commune_id, c.commune_name), criteria)
    by_district = _totals(cluster_rows, lambda c: (c.former_district_id, c.district_name), criteria)

    open_flags = restrict(Flag.objects.filter(cleared_at__isnull=True), user, "view").exclude(state=Flag.State.DISMISSED)
    severity_counts, rule_counts = defaultdict(int), defaultdict(lambda: {"n": 0, "critical": 0})
    for rule_id, severity, n in open_flags.order_by().values_list("rule_id", "severity").annotate(n=Count("*")):  # flag_open_counts
        severity_counts[severity] += n
        rule_counts[rule_id]["n"] += n
        if severity == Severity.CRITICAL:
            rule_counts[rule_id]["critical"] += n
    # Coming due in the next 30 days, by rule (the dates the scan stores: one GROUP BY), for those who work the list.
    coming = None
    if user.has_perm("projects.work_flag") or user.has_perm("projects.decide_flag"):
        coming = due_counts(due_deadlines(user=user, today=today, days=COMING_DUE_DAYS))
    rules = [(rule, rule_counts.get(rule.pk, {}).get("n", 0), rule_counts.get(rule.pk, {}).get("critical", 0),
              None if coming is None else coming.get(rule.code, 0))
             for rule in Rule.objects.order_by("code")]
    last_scan = Scan.objects.filter(status=Scan.Status.SUCCEEDED, project__isnull=True).order_by("-finished_at").first()

    return {
        "year": year,
        "target": target,
        # A year without targets points at the latest year that has them.
        "latest_target_year": None if target else latest_target_year(today),
        "can_set_targets": can(user, AnnualTarget, "add"),
        "fraction": fraction,
        "lines": lines,
        "attracted": attracted,
        "operating": operating,
        "clusters": cluster_rows,  # the view pages them
        "by_commune": by_commune,
        "by_district": by_district,
        "criteria": criteria,
        "severities": [(value, label, severity_counts.get(value, 0)) for value, label in reversed(Severity.choices)],
        "rules": rules,
        "coming_due": coming is not None,
        "coming_due_days": COMING_DUE_DAYS,
        "last_scan": last_scan,
        # Obstacles not yet resolved by kind and by agency (one query; none for a user who may not read them).
        "obstacles": obstacle_summary(user=user, today=today) if can(user, Obstacle, "view") else None,
    }


def _totals(cluster_rows, key, criteria) -> list[dict]:
    """Clusters grouped by commune or district: land, occupancy, projects, capital and the establishment check."""
    members = defaultdict(list)
    for cluster in cluster_rows:
        members[key(cluster)].append(cluster)
    zero, groups = Decimal(0), []
    for (group_id, name), clusters in members.items():
        # Land and occupancy count the established clusters with industrial land; projects and capital count all.
        established = [c for c in clusters if c.stage in ESTABLISHED and c.industrial_land_ha]
        occupancies = [c.occupancy_pct for c in established]
        group = {
            "id": group_id, "name": name, "clusters": len(clusters), "established": len(established),
            "industrial_ha": sum((c.industrial_land_ha for c in established), zero),
            "leased_ha": sum((c.leased_ha for c in established), zero),
            "unleased_ha": sum((max(c.unleased_ha, zero) for c in established), zero),
            "projects": sum(c.active_projects for c in clusters), "capital_vnd": sum(c.capital_vnd for c in clusters),
            "average_occupancy": sum(occupancies) / len(occupancies) if occupancies else None,
        }
        group["occupancy_pct"] = occupancy_pct(group["leased_ha"], group["industrial_ha"])
        group.update(establishment_check(group["average_occupancy"], group["unleased_ha"], group["established"], criteria))
        groups.append(group)
    return sorted(groups, key=lambda g: g["name"])


def establishment_check(average_occupancy, unleased_ha, established: int, criteria) -> dict:
    """Decree 32/2024 Art. 8: another cluster may be established where the existing ones are on average more than
    50 % occupied, or where at most 100 ha of their industrial land is still unleased (thresholds are data)."""
    if not established:
        return {"may_establish": True, "reason": "no_cluster"}
    if average_occupancy is not None and average_occupancy > criteria.occupancy_over_pct:
        return {"may_establish": True, "reason": "occupancy"}
    if unleased_ha <= criteria.unleased_at_most_ha:
        return {"may_establish": True, "reason": "unleased"}
    return {"may_establish": False, "reason": "neither"}
