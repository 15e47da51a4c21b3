"""Scans run the watchlist rules over projects as of a date, open new flags, keep the ones still true and close the
ones that no longer hold; every scan is recorded.

`load_facts` reads what the rules need for every project in scope in a fixed number of queries (one per kind of
record), whatever the number of projects; the rules themselves are pure functions in `rules.py`.
"""
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from projects.models import (
    CapitalReport,
    Flag,
    ForceMajeurePeriod,
    LandUseExtension,
    Project,
    Rule,
    ScheduleAdjustment,
    Scan,
    TransferRequest,
    UnreachableRecord,
    ViolationNotice,
)
from projects.watchlist.rules import RULES, Facts, completed_halves
from tracker.queue import send_on_commit

NOTIFY_CRITICAL_FLAGS = "projects.watchlist.tasks.notify_critical_flags"

logger = logging.getLogger(__name__)

HALF_OF_PERIOD = {"Q1": (1,), "Q2": (1,), "H1": (1,), "Q3": (2,), "Q4": (2,), "H2": (2,), "Y": (1, 2)}


@dataclass(frozen=True)
class Result:
    """What a scan found (one row per project × rule), and for a real scan what it did with the flags."""

    as_of: date
    findings: list  # [(project_id, project_code, rule_code, Finding)], sorted by project code then rule
    opened: int = 0
    kept: int = 0
    closed: int = 0
    scan_id: int | None = None


def _as_of(value, as_of):
    return value if value is not None and value <= as_of else None


def load_facts(as_of: date, project_ids=None, report_halves: int = 4) -> dict[int, tuple[str, Facts]]:
    """Facts for every project that is not terminated (or the given ones), as of `as_of`; capital reports are
    read back over `report_halves` half-years."""
    projects = Project.objects.exclude(status=Project.Status.TERMINATED)
    if project_ids is not None:
        projects = projects.filter(pk__in=project_ids)
    report_date = Coalesce("report_date", "period_end")
    latest_capital = Subquery(
        CapitalReport.objects.annotate(effective=report_date)
        .filter(project=OuterRef("pk"), effective__lte=as_of)
        .order_by("-period_end", "-pk")
        .values("implemented_capital_vnd")[:1]
    )
    rows = list(
        projects.annotate(implemented=latest_capital).values_list(
            "pk", "code", "status", "registered_capital_vnd", "irc_date", "policy_approval_date",
            "land_handover_date", "construction_start_deadline", "construction_completion_deadline",
            "operation_deadline", "actual_construction_start", "actual_completion", "actual_operation_start",
            "implemented",
        )
    )

    def per_project(queryset, *fields):
        grouped = defaultdict(list)
        if project_ids is not None:
            queryset = queryset.filter(project_id__in=project_ids)
        for project_id, *values in queryset.values_list("project_id", *fields):
            grouped[project_id].append(tuple(values) if len(values) > 1 else values[0])
        return grouped

    force_majeure = per_project(ForceMajeurePeriod.objects.filter(start_date__lte=as_of), "start_date", "end_date")
    extensions = per_project(LandUseExtension.objects.filter(start_date__lte=as_of), "start_date", "end_date")
    adjustments = per_project(ScheduleAdjustment.objects.filter(decision_date__lte=as_of), "decision_date", "months_added")
    notices = per_project(ViolationNotice.objects.filter(notice_date__lte=as_of), "notice_date", "extension_requested_on")
    transfers = per_project(TransferRequest.objects.filter(request_date__lte=as_of), "request_date")
    unreachable = per_project(
        UnreachableRecord.objects.filter(Q(since__lte=as_of) & (Q(resolved_on__isnull=True) | Q(resolved_on__gt=as_of))),
        "since",
    )
    window = completed_halves(as_of, report_halves, 0)[-1]
    reports = per_project(
        CapitalReport.objects.annotate(effective=report_date).filter(effective__lte=as_of, year__gte=window[0]),
        "year", "period",
    )

    facts = {}
    for (pk, code, status, capital, irc_date, policy_date, handover, start_dl, completion_dl, operation_dl,
         actual_start, actual_completion, actual_operation, implemented) in rows:
        halves = frozenset(
            (year, half) for year, period in reports.get(pk, ()) for half in HALF_OF_PERIOD[period]
        )
        facts[pk] = (
            code,
            Facts(
                project_id=pk,
                status=status,
                registered_capital_vnd=capital,
                clock_start=irc_date or policy_date,
                land_handover_date=_as_of(handover, as_of),
                construction_start_deadline=start_dl,
                construction_completion_deadline=completion_dl,
                operation_deadline=operation_dl,
                actual_construction_start=_as_of(actual_start, as_of),
                actual_completion=_as_of(actual_completion, as_of),
                actual_operation_start=_as_of(actual_operation, as_of),
                implemented_capital_vnd=implemented,
                force_majeure=tuple(force_majeure.get(pk, ())),
                extensions=tuple(extensions.get(pk, ())),
                adjustments=tuple(adjustments.get(pk, ())),
                notices=tuple((day, _as_of(requested, as_of)) for day, requested in notices.get(pk, ())),
                transfer_requests=tuple(transfers.get(pk, ())),
                unreachable_since=min(unreachable[pk]) if pk in unreachable else None,
                reported_halves=halves,
            ),
        )
    return facts


def evaluate(as_of: date, project_ids=None, rules=None) -> list:
    """Every finding as of a date: [(project_id, project_code, rule_code, Finding)], by project code then rule."""
    rules = rules if rules is not None else list(Rule.objects.filter(enabled=True, code__in=RULES))
    report_rule = next((rule for rule in rules if rule.code == "REPORT_MISSING"), None)
    halves = 4
    if report_rule is not None:
        thresholds = report_rule.thresholds or {}
        # Enough half-years back for the rule's periods, plus the grace days' worth.
        halves = int(thresholds.get("periods", 2)) + 2 + int(thresholds.get("grace_days", 30)) // 180
    findings = []
    for project_id, (code, facts) in load_facts(as_of, project_ids, halves).items():
        for rule in rules:
            finding = RULES[rule.code](facts, rule.thresholds or {}, as_of)
            if finding is not None:
                findings.append((project_id, code, rule.code, finding))
    findings.sort(key=lambda row: (row[1], row[2]))
    return findings


def run_scan(*, as_of: date | None = None, project_id: int | None = None, dry_run: bool = False) -> Result:
    """Evaluate the rules and bring the open flags in line: open, keep, close. Idempotent: a rerun with nothing
    changed opens and closes nothing. Two scans at once are serialised on the rule rows, and the database allows
    one open flag per project and rule whatever happens."""
    as_of = as_of or timezone.localdate()
    scope = [project_id] if project_id is not None else None
    if dry_run:
        return Result(as_of=as_of, findings=evaluate(as_of, scope))
    scan = Scan.objects.create(started_at=timezone.now(), as_of=as_of, project_id=project_id)
    try:
        with transaction.atomic():
            rules = list(Rule.objects.select_for_update().filter(enabled=True, code__in=RULES).order_by("pk"))
            findings = evaluate(as_of, scope, rules)
            opened, kept, closed, new_critical = _sync_flags(findings, rules, scope)
    except Exception as error:
        Scan.objects.filter(pk=scan.pk).update(
            status=Scan.Status.FAILED, finished_at=timezone.now(), error=f"{type(error).__name__}: {error}"[:2000]
        )
        logger.exception("watchlist scan failed")
        raise
    Scan.objects.filter(pk=scan.pk).update(
        status=Scan.Status.SUCCEEDED, finished_at=timezone.now(), opened=opened, kept=kept, closed=closed
    )
    if new_critical:
        send_on_commit(NOTIFY_CRITICAL_FLAGS, new_critical)
    return Result(as_of=as_of, findings=findings, opened=opened, kept=kept, closed=closed, scan_id=scan.pk)


def _sync_flags(findings, rules, scope):
    now = timezone.now()
    rule_ids = {rule.code: rule.pk for rule in rules}
    open_flags = Flag.objects.filter(cleared_at__isnull=True, rule_id__in=rule_ids.values())
    if scope is not None:
        open_flags = open_flags.filter(project_id__in=scope)
    existing = {
        (project_id, rule_id): (pk, severity, since, evidence)
        for pk, project_id, rule_id, severity, since, evidence in open_flags.values_list(
            "pk", "project_id", "rule_id", "severity", "since", "evidence"
        )
    }
    to_create, kept_ids, changed, escalated = [], [], [], []
    for project_id, _code, rule_code, finding in findings:
        key = (project_id, rule_ids[rule_code])
        current = existing.pop(key, None)
        if current is None:
            to_create.append(
                Flag(project_id=project_id, rule_id=key[1], severity=finding.severity, since=finding.since,
                     evidence=finding.evidence, first_seen=now, last_confirmed=now)
            )
        else:
            pk, severity, since, evidence = current
            kept_ids.append(pk)
            if (severity, since, evidence) != (finding.severity, finding.since, finding.evidence):
                changed.append(Flag(pk=pk, severity=finding.severity, since=finding.since, evidence=finding.evidence))
                if finding.severity == "critical" and severity != "critical":
                    escalated.append(pk)  # a warning that became critical is news for leadership too
    Flag.objects.bulk_create(to_create)
    if kept_ids:
        Flag.objects.filter(pk__in=kept_ids).update(last_confirmed=now)
    if changed:
        Flag.objects.bulk_update(changed, ["severity", "since", "evidence"])
    closed_ids = [value[0] for value in existing.values()]
    if closed_ids:
        Flag.objects.filter(pk__in=closed_ids).update(cleared_at=now)
    new_critical = [flag.pk for flag in to_create if flag.severity == "critical" and flag.pk]
    if to_create and not new_critical and any(flag.severity == "critical" for flag in to_create):
        # Backends that do not return ids from a bulk insert: look the new critical flags up.
        new_critical = list(
            Flag.objects.filter(first_seen=now, severity="critical", cleared_at__isnull=True).values_list("pk", flat=True)
        )
    return len(to_create), len(kept_ids), len(closed_ids), new_critical + escalated
