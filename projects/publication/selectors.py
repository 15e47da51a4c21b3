"""Reads for the public lists: the rows each list would publish today (from verified data only), the last approved
version of each list, and the difference between the two."""
import hashlib
import json
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext, override

from clusters.models import Cluster
from clusters.selectors import cluster_queryset
from projects.models import Flag, ForceMajeurePeriod, LandUseExtension, Project, Publication, Rule
from projects.publication.columns import Kind, PUBLIC_KEYS, row_key
from tracker.legal import public_legal_basis
from tracker.roles import LEADERSHIP, STAFF

# A flag leaves the department only once a person has verified it: inspected, or a later step of the review. A new
# flag, one assigned for verification or awaiting the investor's explanation is a scan's result, not a finding; a
# dismissed one was found not to hold.
VERIFIED = (
    Flag.State.INSPECTED, Flag.State.EXTENDED, Flag.State.REVOCATION_PROPOSED, Flag.State.RECOVERY_FILED,
    Flag.State.RECOVERY_NOTIFIED, Flag.State.ASSETS_HANDLED, Flag.State.DECIDED,
)
CLOCK_RULES = {LandUseExtension.Clock.UNUSED: "LAND_UNUSED_12M", LandUseExtension.Clock.DELAY: "LAND_DELAY_24M"}
OFFICIAL_LANGUAGE = "vi"  # the words frozen into a snapshot (the legal basis) are the official Vietnamese ones


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _project(project: Project) -> dict:
    return {
        "code": project.code,
        "project": project.name,
        "investor": project.investor.name,
        "cluster": project.cluster.name,
        "commune": project.cluster.commune.name,
    }


def _projects_related(queryset, prefix=""):
    return queryset.select_related(
        f"{prefix}investor", f"{prefix}cluster__commune"
    ).order_by(f"{prefix}cluster__commune__name", f"{prefix}cluster__name", f"{prefix}code")


def verified_flags():
    return Flag.objects.filter(state__in=VERIFIED)


def decided_extensions(today: date):
    """Extensions decided by today (a decision date recorded) that still run."""
    return LandUseExtension.objects.filter(decision_date__isnull=False, decision_date__lte=today, end_date__gte=today)


def _clock_rows(rule_code: str, today: date, date_field: str, date_key: str) -> list[dict]:
    flags = _projects_related(
        verified_flags().filter(rule__code=rule_code, cleared_at__isnull=True, severity="critical", since__lte=today)
        .select_related("rule"),
        "project__",
    )
    return [
        _project(flag.project) | {
            date_key: _iso(getattr(flag.project, date_field)),
            "since": _iso(flag.since),
            "basis": public_legal_basis(flag.rule.legal_basis),
            "state": flag.state,
        }
        for flag in flags
    ]


def _bases() -> dict[str, str]:
    return {rule.code: public_legal_basis(rule.legal_basis) for rule in Rule.objects.filter(code__in=CLOCK_RULES.values())}


def _extended_rows(today: date) -> list[dict]:
    bases = _bases()
    extensions = _projects_related(decided_extensions(today).select_related("project"), "project__")
    return [
        _project(extension.project) | {
            "clock": extension.clock or LandUseExtension.Clock.UNUSED,
            "decision_number": extension.decision_number,
            "decision_date": _iso(extension.decision_date),
            "start": _iso(extension.start_date),
            "end": _iso(extension.end_date),
            "basis": bases.get(CLOCK_RULES.get(extension.clock, "LAND_UNUSED_12M"), ""),
        }
        for extension in extensions
    ]


def _force_majeure_rows(today: date) -> list[dict]:
    """The force-majeure periods (begun by today) of the projects the department has looked at: a verified flag
    open on them, or an extension decided. The period's reason is the staff's own text and stays inside."""
    verified = Q(project__flags__in=verified_flags().filter(cleared_at__isnull=True).exclude(state=Flag.State.DISMISSED))
    extended = Q(project__extensions__in=decided_extensions(today))
    periods = _projects_related(
        ForceMajeurePeriod.objects.filter(start_date__lte=today).filter(verified | extended)
        .exclude(project__status__in=[Project.Status.OPERATING, Project.Status.TERMINATED])
        .select_related("project").distinct(),
        "project__",
    ).order_by("project__cluster__commune__name", "project__cluster__name", "project__code", "start_date")
    basis = gettext("Land Law 2024 Art. 81(9); Decree 102/2024/ND-CP Art. 31(1), (4)")
    return [
        _project(period.project) | {"start": _iso(period.start_date), "end": _iso(period.end_date), "basis": basis}
        for period in periods
    ]


def _violation_rows(today: date) -> list[dict]:
    """Verified flags that are a legal ground for revocation and still open, and every decided termination or
    recovery, with the date of the last review step."""
    flags = _projects_related(
        verified_flags().filter(Q(cleared_at__isnull=True) & ~Q(ground="") | Q(state=Flag.State.DECIDED))
        .filter(since__lte=today)
        .select_related("rule").annotate(handled_on=Max("steps__created_at")),
        "project__",
    )
    rows = []
    for flag in flags:
        rows.append(_project(flag.project) | {
            "violation": flag.rule.name,
            "since": _iso(flag.since),
            "basis": public_legal_basis(flag.rule.legal_basis),
            "ground": flag.ground,
            "state": flag.state,
            "handled_on": _iso(timezone.localdate(flag.handled_on)) if flag.handled_on else None,
        })
    return rows


def _unleased_rows() -> list[dict]:
    clusters = cluster_queryset().exclude(stage=Cluster.Stage.DISSOLVED).order_by("commune__name", "name")
    return [
        {
            "code": cluster.code,
            "cluster": cluster.name,
            "commune": cluster.commune.name,
            "industrial_land_ha": str(cluster.industrial_land_ha) if cluster.industrial_land_ha is not None else None,
            "leased_ha": str(cluster.leased_ha),
            "unleased_ha": str(cluster.unleased_ha) if cluster.unleased_ha is not None else None,
        }
        for cluster in clusters
    ]


def preview_rows(kind: str, today: date) -> list[dict]:
    """The rows the list would publish today: only public fields, only verified data."""
    with override(OFFICIAL_LANGUAGE):
        if kind == Kind.LAND_UNUSED:
            rows = _clock_rows("LAND_UNUSED_12M", today, "land_handover_date", "handed_over")
        elif kind == Kind.LAND_DELAY:
            rows = _clock_rows("LAND_DELAY_24M", today, "construction_completion_deadline", "completion_deadline")
        elif kind == Kind.EXTENDED:
            rows = _extended_rows(today)
        elif kind == Kind.FORCE_MAJEURE:
            rows = _force_majeure_rows(today)
        elif kind == Kind.VIOLATIONS:
            rows = _violation_rows(today)
        elif kind == Kind.UNLEASED:
            rows = _unleased_rows()
        else:
            raise ValueError(kind)
    for row in rows:
        if not set(row) <= PUBLIC_KEYS[kind]:  # nothing but the public fields, whatever a later change adds
            raise ValueError(f"not a public field of {kind}: {set(row) - PUBLIC_KEYS[kind]}")
    return rows


def rows_digest(rows: list[dict]) -> str:
    """A fingerprint of a list's rows: the approval is of the list the leader saw, not of one changed meanwhile."""
    return hashlib.sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def latest_publication(kind: str) -> Publication | None:
    """The last approved version of a list, in one query."""
    return Publication.objects.filter(kind=kind).order_by("-version").first()


def latest_publications() -> dict[str, Publication]:
    """The last approved version of every list, without its rows, in one query."""
    newest = Publication.objects.filter(kind=OuterRef("kind")).order_by("-version").values("version")[:1]
    latest = Publication.objects.filter(version=Subquery(newest)).defer("rows")
    return {publication.kind: publication for publication in latest}


def publication_history(kind: str):
    return (Publication.objects.filter(kind=kind).select_related("prepared_by", "approved_by").defer("rows")
            .order_by("-version"))


def preparers():
    """Who may be named as having prepared a public list: the department's active staff and leaders."""
    return (get_user_model().objects.filter(is_active=True, groups__name__in=[STAFF, LEADERSHIP]).distinct()
            .order_by("last_name", "first_name", "username"))


def difference(kind: str, old_rows: list[dict], new_rows: list[dict]) -> dict:
    """What the new rows add, remove and change against the old ones (a row is its project or cluster and what it
    is listed for)."""
    old = {row_key(kind, row): row for row in old_rows}
    new = {row_key(kind, row): row for row in new_rows}
    return {
        "added": [row for key, row in new.items() if key not in old],
        "removed": [row for key, row in old.items() if key not in new],
        "changed": [(old[key], row) for key, row in new.items() if key in old and old[key] != row],
    }
