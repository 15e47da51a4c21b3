"""Scans run the watchlist rules over projects as of a date, open new flags, keep the ones still true and close the
ones that no longer hold; every scan is recorded.

`load_facts` reads what the rules need for the projects of a chunk (`_chunks`: 25,000 at a time) in a fixed number
of queries (one per kind of record), whatever the number of projects in it; the rules themselves are pure functions
in `rules.py`. The facts are those in force on the as-of date: the deadlines after the adjustments decided by then
(later decisions are undone from the deadlines they replaced), the status of the dated status history, the records
dated by then. A scan of a past date reads, by default, only what had been recorded by the end of that day (the
history tables): what the watchlist could have said that day (`as_recorded=True`, the command's default); otherwise
it reads everything recorded until now (what we know today about that day).

Each rule also says when its answer next changes; a scan as of today stores the earliest date per project
(`Project.next_check_on`), and the nightly scan (`incremental=True`) evaluates only the projects due by then.
"""
import gc
import hashlib
import json
import logging
from array import array
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from projects.models import (
    CapitalReport,
    Deadline,
    Flag,
    ForceMajeurePeriod,
    LandUseExtension,
    Project,
    ProjectStatusChange,
    Rule,
    ScheduleAdjustment,
    Scan,
    ScanFailure,
    TransferRequest,
    UnreachableRecord,
    ViolationNotice,
)
from projects.watchlist.rules import GROUNDS, RULES, Extension, Facts, due_halves, evaluate_project, evaluate_project_ahead
from tracker.bulk import bulk_insert
from tracker.queue import send_on_commit

logger = logging.getLogger(__name__)

NOTIFY_CRITICAL_FLAGS = "projects.watchlist.tasks.notify_critical_flags"
HALF_OF_PERIOD = {"Q1": (1,), "Q2": (1,), "H1": (1,), "Q3": (2,), "Q4": (2,), "H2": (2,), "Y": (1, 2)}
# The same in SQL: the half-year a report covers, 0 for a year report (both halves).
HALF = Case(When(period__in=("Q1", "Q2", "H1"), then=Value(1)), When(period__in=("Q3", "Q4", "H2"), then=Value(2)),
            default=Value(0), output_field=IntegerField())
# A project whose rules cannot change by time alone is still looked at once a year (and by the weekly full scan).
RECHECK_AT_LEAST = timedelta(days=366)


@dataclass(frozen=True)
class Result:
    """What a scan found (one row per project × rule), and for a real scan what it did with the flags."""

    as_of: date
    findings: list  # [(project_id, project_code, rule_code, Finding)], sorted by project code then rule
    found: int = 0  # the number of findings (also when the scan was asked not to keep them: `details`)
    opened: int = 0
    kept: int = 0
    closed: int = 0
    scan_id: int | None = None
    evaluated: int = 0  # projects evaluated
    next_checks: dict = field(default_factory=dict, repr=False)  # {project_id: next date}
    failures: list = field(default_factory=list)  # [(project_id, project_code, error)]: not evaluated


def end_of_day(day: date) -> datetime:
    """The last moment of a day in the site's time zone: what had been recorded by then."""
    return timezone.make_aware(datetime.combine(day, time.max))


def _source(model, known_at: datetime | None):
    """The model's rows as they are now, or as they had been recorded by `known_at` (its history)."""
    return model.objects.all() if known_at is None else model.history.as_of(known_at)


def _as_of(value, as_of):
    return value if value is not None and value <= as_of else None


def _deadlines_on(deadlines: list, adjustments, as_of: date) -> list:
    """The deadlines in force on a date: undo, latest first, the adjustments decided after it (each restores the
    deadlines it replaced)."""
    deadlines = list(deadlines)
    for decision_date, _pk, new, previous in sorted(adjustments, key=lambda a: (a[0], a[1]), reverse=True):
        if decision_date <= as_of:
            break
        for index in range(3):
            if new[index] is not None:
                deadlines[index] = previous[index]
    return deadlines


def load_facts(as_of: date, project_ids=None, report_halves: int = 4, known_at: datetime | None = None,
               report_params: dict | None = None, id_range: tuple | None = None) -> dict[int, tuple[str, Facts, date | None]]:
    """Facts for every project (or the given ones, or those whose id is in `id_range`, (after, up to) with None for
    no bound) on `as_of`: {id: (code, Facts, stored next_check_on)}. With `known_at`, only what had been recorded
    by then."""
    current = known_at is None and as_of >= timezone.localdate()  # today's row tells the status in force
    chunk = (project_ids, *(id_range or (None, None)))
    projects = _restrict(_source(Project, known_at), chunk, "id")
    fields = ["id", "code", "status", "status_since", "registered_capital_vnd", "irc_date", "policy_approval_date",
              "policy_approval_number", "land_handover_date", "construction_start_deadline",
              "construction_completion_deadline", "operation_deadline", "actual_construction_start",
              "actual_completion", "actual_operation_start", "land_recovered_on", "land_transferred_on",
              "latest_implemented_vnd"]
    if known_at is None:
        rows = list(projects.values_list(*fields, "next_check_on"))
    else:  # the history does not keep the scan's own bookkeeping
        rows = [(*row, None) for row in projects.values_list(*fields)]

    def per_project(queryset, *names):
        grouped = defaultdict(list)
        queryset = _restrict(queryset, chunk)
        for project_id, *values in queryset.values_list("project_id", *names):
            grouped[project_id].append(tuple(values) if len(values) > 1 else values[0])
        return grouped

    force_majeure = per_project(_source(ForceMajeurePeriod, known_at).filter(start_date__lte=as_of), "start_date", "end_date")
    extensions = per_project(
        _source(LandUseExtension, known_at).filter(
            Q(decision_date__lte=as_of) | Q(decision_date__isnull=True, start_date__lte=as_of)
        ),
        "clock", "start_date", "end_date", "decision_date", "requested_on",
    )
    adjustments = per_project(
        _source(ScheduleAdjustment, known_at), "decision_date", "id", "months_added",
        "new_construction_start_deadline", "new_construction_completion_deadline", "new_operation_deadline",
        "previous_construction_start_deadline", "previous_construction_completion_deadline",
        "previous_operation_deadline",
    )
    notices = per_project(_source(ViolationNotice, known_at).filter(notice_date__lte=as_of), "notice_date", "extension_requested_on")
    transfers = per_project(_source(TransferRequest, known_at).filter(request_date__lte=as_of), "request_date")
    unreachable = per_project(
        _source(UnreachableRecord, known_at).filter(Q(since__lte=as_of) & (Q(resolved_on__isnull=True) | Q(resolved_on__gt=as_of))),
        "since",
    )
    statuses = {}
    if not current:
        for project_id, changes in per_project(
            _source(ProjectStatusChange, known_at).filter(effective_on__lte=as_of), "effective_on", "recorded_at", "id", "status"
        ).items():
            statuses[project_id] = max(changes)  # the latest effective; of two on one day, the later recorded
    # Capital reports count from the day they were received. Today the latest capital is on the project row, so
    # only the half-years the rule looks at are read, one row per project and half-year.
    reports_query = _source(CapitalReport, known_at).filter(report_date__lte=as_of)
    if current:
        window = due_halves(as_of, report_halves, report_params)[-1]
        reports = per_project(
            reports_query.filter(year__gte=window[0]).annotate(half=HALF).order_by().distinct(), "year", "half"
        )
    else:
        reports = per_project(reports_query, "year", "period", "period_end", "id", "implemented_capital_vnd")

    facts = {}
    empty = ()
    for (pk, code, status, status_since, capital, irc_date, policy_date, policy_number, handover, start_dl,
         completion_dl, operation_dl, actual_start, actual_completion, actual_operation, recovered, transferred,
         latest_implemented, next_check_on) in rows:
        project_reports = reports.get(pk, empty)
        if current:
            halves = frozenset((year, half) for year, half in project_reports if half)
            if any(not half for _year, half in project_reports):
                halves |= frozenset((year, half) for year, whole in project_reports if not whole for half in (1, 2))
            implemented = latest_implemented
        else:
            halves = frozenset(
                (year, half) for year, period, *_rest in project_reports for half in HALF_OF_PERIOD[period]
            )
            latest = max(project_reports, key=lambda r: (r[2], r[3]), default=None)
            implemented = latest[4] if latest else None
            if pk in statuses:
                status_since, _recorded, _id, status = statuses[pk]
            else:
                status, status_since = Project.Status.REGISTERED, None  # no status in force yet on that day
        project_adjustments = adjustments.get(pk, empty)
        if project_adjustments:
            start_dl, completion_dl, operation_dl = _deadlines_on(
                [start_dl, completion_dl, operation_dl], [(a[0], a[1], a[3:6], a[6:9]) for a in project_adjustments], as_of
            )
        project_extensions = extensions.get(pk, empty)
        project_notices = notices.get(pk, empty)
        facts[pk] = (
            code,
            Facts(
                project_id=pk,
                status=status,
                status_since=status_since,
                registered_capital_vnd=capital,
                clock_start=irc_date or policy_date,
                has_policy_approval=bool(policy_date and policy_date <= as_of) or bool(policy_number and not policy_date),
                land_handover_date=_as_of(handover, as_of),
                construction_start_deadline=start_dl,
                construction_completion_deadline=completion_dl,
                operation_deadline=operation_dl,
                actual_construction_start=_as_of(actual_start, as_of),
                actual_completion=_as_of(actual_completion, as_of),
                actual_operation_start=_as_of(actual_operation, as_of),
                implemented_capital_vnd=implemented,
                force_majeure=tuple(force_majeure.get(pk, empty)),
                extensions=tuple(
                    Extension(clock, start, end, decision, _as_of(requested, as_of))
                    for clock, start, end, decision, requested in project_extensions
                ) if project_extensions else empty,
                adjustments=tuple(
                    (day, months) for day, _id, months, *_rest in project_adjustments if day <= as_of
                ) if project_adjustments else empty,
                notices=tuple(
                    (day, _as_of(requested, as_of)) for day, requested in project_notices
                ) if project_notices else empty,
                transfer_requests=tuple(transfers.get(pk, empty)),
                unreachable_since=min(unreachable[pk]) if pk in unreachable else None,
                reported_halves=halves,
                land_recovered_on=_as_of(recovered, as_of),
                land_transferred_on=_as_of(transferred, as_of),
            ),
            next_check_on,
        )
    return facts


@contextmanager
def _gc_paused():
    """The cyclic garbage collector paused while facts and findings are built: they hold no reference cycles
    (reference counting frees them), and at 100,000 projects its repeated passes over the new objects cost a third
    of the scan."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def evaluate(as_of: date, project_ids=None, rules=None, known_at: datetime | None = None, ahead: bool = False):
    """Every finding as of a date, [(project_id, project_code, rule_code, Finding)] by project code then rule;
    {project_id: (the next date a rule's answer could change, the stored next_check_on)}; the projects that
    could not be evaluated, [(project_id, project_code, error)]; and with `ahead`, the date each rule without a
    finding will give one, {project_id: [(rule_code, crossing, Finding)]} (`rules.evaluate_project_ahead`: the
    next check then also comes early enough for a crossing not yet looked at), else {}. The projects are read and
    evaluated a chunk at a time (`_chunks`); only the answers are kept."""
    params = _params(rules, known_at)
    findings, next_checks, failures, deadlines = [], {}, [], {}
    for chunk in _chunks(project_ids):
        found, checks, failed, coming = _evaluate(as_of, chunk, params, known_at, ahead)
        findings.extend(found)
        next_checks.update(checks)
        failures.extend(failed)
        deadlines.update(coming)
    findings.sort(key=lambda row: (row[1], row[2]))
    return findings, next_checks, failures, deadlines


# A scan reads and evaluates the projects this many at a time, and brings their flags and stored dates in line
# before the next: its memory is bounded by a chunk, not by the number of projects (docs/benchmarks.md).
SCAN_CHUNK = 25_000


def _chunks(scope, size: int | None = None):
    """The projects of a scan a chunk at a time, each (ids, after, up to): the given ids (`scope`) by slices of
    `size`; or, for every project (`scope` None), consecutive ranges of ids (after, up to], the first without a
    lower bound and the last without an upper one, so that together they cover every id, including a project
    created while the scan runs. Each bound is read by one indexed query when its chunk is reached; the chunk
    that holds the last project is the last one."""
    size = size or SCAN_CHUNK
    if scope is not None:
        ids = sorted(set(scope))
        for start in range(0, len(ids), size):
            yield ids[start:start + size], None, None
        return
    after = None
    while True:
        later = Project.objects.order_by("pk")
        if after is not None:
            later = later.filter(pk__gt=after)
        bound = list(later.values_list("pk", flat=True)[size - 1:size + 1])
        upto = bound[0] if len(bound) == 2 else None  # the last chunk: no project after its last one
        yield None, after, upto
        if upto is None:
            return
        after = upto


def _restrict(queryset, chunk, field: str = "project_id"):
    """The rows of a queryset that belong to the chunk's projects (`_chunks`); `field` names the project's id."""
    ids, after, upto = chunk
    if ids is not None:
        return queryset.filter(**{f"{field}__in": ids})
    if after is not None:
        queryset = queryset.filter(**{f"{field}__gt": after})
    if upto is not None:
        queryset = queryset.filter(**{f"{field}__lte": upto})
    return queryset


def _rule_params(rules, known_at) -> list[tuple[str, dict]]:
    """(code, thresholds) of the enabled rules; as recorded on a past date, as the rules stood then (their history;
    a rule never edited since it was seeded has none, and is taken as it is)."""
    if known_at is None:
        return [(rule.code, rule.thresholds or {}) for rule in rules]
    then = {rule.code: rule for rule in Rule.history.as_of(known_at)}
    params = []
    for rule in Rule.objects.filter(code__in=RULES).order_by("pk"):
        rule = then.get(rule.code, rule)
        if rule.enabled:
            params.append((rule.code, rule.thresholds or {}))
    return params


def _params(rules, known_at) -> list[tuple[str, dict]]:
    """The enabled rules' (code, thresholds), from the given rule rows or the enabled ones."""
    rules = rules if rules is not None else list(Rule.objects.filter(enabled=True, code__in=RULES))
    return _rule_params(rules, known_at)


def _evaluate(as_of, chunk, params, known_at, ahead=False):
    """The answers for one chunk of projects, in the order their facts were read (see `evaluate`)."""
    report_params = next((p for code, p in params if code == "REPORT_MISSING"), {})
    halves = int(report_params.get("periods", 2)) + 2
    findings, next_checks, failures, deadlines = [], {}, [], {}
    ids, after, upto = chunk
    with _gc_paused():
        facts = load_facts(as_of, ids, halves, known_at, report_params, id_range=(after, upto))
        for project_id, (code, project_facts, stored_next) in facts.items():
            try:
                if ahead:
                    project_findings, next_on, crossings, recheck = evaluate_project_ahead(project_facts, params, as_of)
                else:
                    project_findings, next_on = evaluate_project(project_facts, params, as_of)
            except Exception as error:  # one project's bad data never stops the others' scan
                logger.exception("watchlist: project %s could not be evaluated", code)
                failures.append((project_id, code, f"{type(error).__name__}: {error}"))
                continue
            findings.extend((project_id, code, rule_code, finding) for rule_code, finding in project_findings)
            next_on = next_on or as_of + RECHECK_AT_LEAST
            if ahead:
                if crossings:
                    deadlines[project_id] = crossings
                if recheck is not None and recheck < next_on:
                    next_on = recheck
            next_checks[project_id] = (next_on, stored_next)
        del facts
    return findings, next_checks, failures, deadlines


def due_projects(as_of: date) -> list[int]:
    """The projects the nightly scan looks at: due by the date, or changed since their last scan."""
    return list(Project.objects.filter(Q(next_check_on__isnull=True) | Q(next_check_on__lte=as_of)).values_list("pk", flat=True))


def run_scan(*, as_of: date | None = None, project_id: int | None = None, dry_run: bool = False,
             incremental: bool = False, as_recorded: bool = False, details: bool = True) -> Result:
    """Evaluate the rules and bring the open flags in line: open, keep, close. Idempotent: a rerun with nothing
    changed opens and closes nothing. Two scans at once are serialised on the rule rows, and the database allows
    one open flag per project and rule whatever happens.

    `incremental`: only the projects due (`next_check_on`). `as_recorded`: a scan of a past date reads only what
    had been recorded by the end of that day (what the watchlist could say then); otherwise everything known now.
    The projects are scanned a chunk at a time (`_chunks`), all in one transaction. `details=False` (the scheduled
    scans): the result counts the findings but does not keep them, nor each project's next check, so that the
    scan's memory does not grow with the number of projects."""
    today = timezone.localdate()
    as_of = as_of or today
    known_at = end_of_day(as_of) if as_recorded and as_of < today else None
    if project_id is not None:
        scope = [project_id]
    elif incremental:
        scope = due_projects(as_of)
    else:
        scope = None
    if dry_run:
        findings, next_checks, failures, _deadlines = evaluate(as_of, scope, known_at=known_at)
        return Result(as_of=as_of, findings=findings, evaluated=len(next_checks), found=len(findings),
                      next_checks={pk: value[0] for pk, value in next_checks.items()}, failures=failures)
    scan = Scan.objects.create(started_at=timezone.now(), as_of=as_of, project_id=project_id)
    findings, next_checks, failures, new_critical = [], {}, [], []
    opened = kept = closed = evaluated = found = 0
    try:
        with transaction.atomic():
            rules = list(Rule.objects.select_for_update().filter(enabled=True, code__in=RULES).order_by("pk"))
            params = _rule_params(rules, known_at)
            # As of today (only), the scan also stores each rule's coming date for the coming-due list.
            ahead = as_of == today and known_at is None
            rule_codes = {rule.code for rule in rules}
            changed_checks = _ChangedChecks()
            for chunk in _chunks(scope):
                chunk_findings, chunk_checks, chunk_failures, deadlines = _evaluate(as_of, chunk, params, known_at, ahead)
                skipped = {f[0] for f in chunk_failures}  # their flags and stored dates stay as they were
                if known_at is not None:
                    # As recorded on a past date: the rules enabled then, the projects that existed then. Flags are
                    # kept for the rules enabled now, on the projects that still exist.
                    # Their flags carry the project's code as it is now, not as it was then.
                    alive = dict(_restrict(Project.objects.all(), chunk, "pk").values_list("pk", "code"))
                    chunk_findings = [(row[0], alive[row[0]], *row[2:]) for row in chunk_findings
                                      if row[2] in rule_codes and row[0] in alive]
                with _gc_paused():
                    counts = _sync_flags(chunk_findings, rules, chunk, skipped, scoped=scope is not None)
                    if ahead:
                        _store_deadlines(deadlines, rules, chunk, skipped)
                if as_of == today:
                    changed_checks.extend(chunk_checks)
                opened, kept, closed = opened + counts[0], kept + counts[1], closed + counts[2]
                new_critical.extend(counts[3])
                failures.extend(chunk_failures)
                evaluated += len(chunk_checks)
                found += len(chunk_findings)
                if details:
                    findings.extend(chunk_findings)
                    next_checks.update((pk, value[0]) for pk, value in chunk_checks.items())
                del chunk_findings, chunk_checks, deadlines
            _record_failures(scan.pk, scope, failures)
            # The next check dates last: every write to a project empties its date in the write's transaction, so
            # an early chunk's project rows written here would stay locked (the write waiting) until the scan ends.
            changed_checks.store()
    except Exception as error:
        Scan.objects.filter(pk=scan.pk).update(
            status=Scan.Status.FAILED, finished_at=timezone.now(), error=f"{type(error).__name__}: {error}"[:2000]
        )
        logger.exception("watchlist scan failed")
        raise
    Scan.objects.filter(pk=scan.pk).update(
        status=Scan.Status.SUCCEEDED, finished_at=timezone.now(), opened=opened, kept=kept, closed=closed,
        error=failures_text(failures),
    )
    if new_critical:
        send_on_commit(NOTIFY_CRITICAL_FLAGS, new_critical)
    findings.sort(key=lambda row: (row[1], row[2]))
    return Result(as_of=as_of, findings=findings, opened=opened, kept=kept, closed=closed, scan_id=scan.pk,
                  evaluated=evaluated, found=found, next_checks=next_checks, failures=failures)


# Up to this many projects owed a rescan are scanned one by one by `scan_pending`; more (an import's) by one full scan.
PENDING_ONE_BY_ONE = 50


def scan_pending(*, one_by_one: int = PENDING_ONE_BY_ONE) -> dict:
    """Drain the outbox of rescans: the projects whose `next_check_on` is empty were written since their last scan
    (`projects.queue` empties it in the write's transaction), and their rescan may never have been queued (the
    broker was down) or may have been lost with a worker. A few are scanned one by one, as `scan_project` would
    have; more, by one full scan, as the import that wrote them would have queued. Nothing pending: nothing done,
    no scan recorded. A project that still cannot be evaluated waits for tomorrow's nightly scan instead of being
    retried at every drain."""
    pending = list(Project.objects.filter(next_check_on__isnull=True).order_by("pk")
                   .values_list("pk", flat=True)[:one_by_one + 1])
    if not pending:
        return {"pending": 0, "scans": [], "full": False}
    full = len(pending) > one_by_one
    scans, failed = [], []
    if full:
        result = run_scan(details=False)
        scans.append(result.scan_id)
        failed.extend(pk for pk, _code, _error in result.failures)
    else:
        for project_id in pending:
            try:
                result = run_scan(project_id=project_id)
            except Exception:  # recorded on its scan row; the others still get theirs, and it stays pending
                logger.exception("watchlist: the pending rescan of project %s failed", project_id)
                continue
            scans.append(result.scan_id)
            failed.extend(pk for pk, _code, _error in result.failures)
    if failed:
        Project.objects.filter(pk__in=failed, next_check_on__isnull=True).update(
            next_check_on=timezone.localdate() + timedelta(days=1)
        )
    return {"pending": len(pending), "scans": scans, "full": full}


UNFINISHED = "Did not finish: its worker was stopped or killed, or it outlived the time limit."


def unfinished_scans(now: datetime | None = None):
    """The scans still "running" past the hard time limit: no live worker is running them any more."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.WATCHLIST_SCAN_HARD_TIME_LIMIT_SECONDS)
    return Scan.objects.filter(status=Scan.Status.RUNNING, started_at__lt=cutoff)


def fail_unfinished_scans(now: datetime | None = None) -> int:
    """Mark as failed the scans that outlived the hard time limit (their worker died mid-scan); the number marked.
    The task itself went back to the queue (acks_late, reject_on_worker_lost) and ran, or runs, as a new scan."""
    now = now or timezone.now()
    return unfinished_scans(now).update(status=Scan.Status.FAILED, finished_at=now, error=UNFINISHED)


def scan_refused(reason: str) -> int:
    """Record a scan that was asked for with arguments it cannot use (the task refused them): a failed run, with
    the reason, so that the watchlist page and the admin show it. Returns its id."""
    now = timezone.now()
    return Scan.objects.create(started_at=now, finished_at=now, as_of=timezone.localdate(), status=Scan.Status.FAILED,
                               error=f"Refused: {reason}"[:2000]).pk


def _record_failures(scan_id: int, scope, failures) -> None:
    """Note on each project the scan could not evaluate that it failed (shown on the project's page), and forget
    the earlier failures of the projects it evaluated this time."""
    failed = {project_id for project_id, _code, _error in failures}
    stale = ScanFailure.objects.exclude(project_id__in=failed)
    if scope is not None:
        stale = stale.filter(project_id__in=scope)
    stale.delete()
    if failures:
        now = timezone.now()
        ScanFailure.objects.bulk_create(
            [ScanFailure(project_id=project_id, scan_id=scan_id, failed_at=now, error=error[:2000])
             for project_id, _code, error in failures],
            update_conflicts=True, unique_fields=["project"], update_fields=["scan", "failed_at", "error"],
        )


def failures_text(failures) -> str:
    """What a scan that carried on past some projects records: how many, which, why (for the technical team)."""
    if not failures:
        return ""
    listed = "; ".join(f"{code}: {error}" for _pk, code, error in failures[:20])
    more = f"; … {len(failures) - 20} more" if len(failures) > 20 else ""
    return f"{len(failures)} project(s) not evaluated: {listed}{more}"[:2000]


class _ChangedChecks:
    """The next check dates a scan changes, kept compactly across its chunks (a million projects' first scan changes
    every one: three arrays of 8-byte numbers, 24 MB, instead of a million tuples) and written at its end."""

    def __init__(self):
        self.pks, self.days, self.stored = array("q"), array("q"), array("q")

    def extend(self, next_checks: dict) -> None:
        for pk, (next_on, stored) in next_checks.items():
            if next_on != stored:
                self.pks.append(pk)
                self.days.append(next_on.toordinal())
                self.stored.append(stored.toordinal() if stored is not None else 0)

    def store(self) -> None:
        fromordinal = date.fromordinal
        for start in range(0, len(self.pks), 20_000):
            end = start + 20_000
            _store_next_checks({pk: (fromordinal(day), fromordinal(stored) if stored else None) for pk, day, stored in
                                zip(self.pks[start:end], self.days[start:end], self.stored[start:end])})


def _store_next_checks(next_checks: dict) -> None:
    """Write the next check dates that changed (untouched rows are not rewritten), a few thousand rows a statement
    (the ORM's bulk_update builds a CASE per row and costs seconds at 10,000). A row is written only if it still
    holds what the scan read: a write that emptied it meanwhile (the project changed) keeps it due."""
    changed = [(pk, next_on, stored) for pk, (next_on, stored) in next_checks.items() if next_on != stored]
    table, column, key = (connection.ops.quote_name(name) for name in (Project._meta.db_table, "next_check_on", "id"))
    with connection.cursor() as cursor:
        for start in range(0, len(changed), 20_000):
            chunk = changed[start:start + 20_000]
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE {table} SET {column} = v.day FROM unnest(%s::bigint[], %s::date[], %s::date[]) "
                    f"AS v(id, day, stored) WHERE {table}.{key} = v.id AND {table}.{column} IS NOT DISTINCT FROM v.stored",
                    [[pk for pk, _day, _stored in chunk], [day for _pk, day, _stored in chunk],
                     [stored for _pk, _day, stored in chunk]],
                )
            else:
                cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE {key} = %s AND {column} IS %s",
                                   [(day, pk, stored) for pk, day, stored in chunk])


def _store_deadlines(deadlines: dict, rules, chunk, skipped=frozenset()) -> None:
    """Bring the stored coming dates (`Deadline`) of the scanned projects in line with the ones just computed: the
    rows that did not change are not rewritten; a changed or new one is (re)inserted, a stale one (the rule now gives
    a finding, or never will, or was disabled) deleted. The rows of a project that could not be evaluated stay.

    Every row also carries its project's code and commune as they are now (`_project_keys`): a kept row whose copies
    differ (a write that raced the scan) is corrected, so the rescan every write owes repairs them too."""
    rule_ids = {rule.code: rule.pk for rule in rules}
    stored = _restrict(Deadline.objects.all(), chunk)
    existing = {(project_id, rule_id): (pk, digest, (code, commune_id))
                for pk, project_id, rule_id, digest, code, commune_id in stored.values_list(
                    "pk", "project_id", "rule_id", "digest", "project_code", "commune_id")}
    keys = _project_keys(deadlines, chunk)
    to_create, to_delete, to_fix = [], [], {}
    for project_id, crossings in deadlines.items():
        project_keys = keys.get(project_id)
        if project_keys is None:  # deleted since its facts were read: its rows go with it
            continue
        for rule_code, crossing, finding in crossings:
            key = (project_id, rule_ids[rule_code])
            current = existing.pop(key, None)
            digest = deadline_digest(crossing, finding)
            if current is not None:
                if current[1] == digest:
                    if current[2] != project_keys:
                        to_fix.setdefault(project_keys, []).append(current[0])
                    continue
                to_delete.append(current[0])
            to_create.append(Deadline(project_id=project_id, rule_id=key[1], crossing=crossing, digest=digest,
                                      severity=finding.severity, evidence=finding.evidence, ground=bool(finding.ground),
                                      project_code=project_keys[0], commune_id=project_keys[1]))
    to_delete.extend(pk for (project_id, _rule_id), (pk, _digest, _keys) in existing.items()
                     if project_id not in skipped)
    for start in range(0, len(to_delete), 20_000):
        Deadline.objects.filter(pk__in=to_delete[start:start + 20_000]).delete()
    for (code, commune_id), pks in to_fix.items():
        Deadline.objects.filter(pk__in=pks).update(project_code=code, commune_id=commune_id)
    bulk_insert(Deadline, to_create, batch_size=5_000)


def _project_keys(project_ids, chunk=(None, None, None)) -> dict[int, tuple[str, int]]:
    """{project: (code, its cluster's commune)} as they are now, in the scan's transaction: what the coming-due list
    sorts and filters by, copied onto the stored dates. A chunk that is a range of ids (a full scan's) is read in one
    statement by that range (lists of 20,000 ids cost 0.7 s at 100,000 projects, the same rows by range 0.1 s)."""
    ids, _after, _upto = chunk
    if ids is None:
        wanted = set(project_ids)
        return {pk: (code, commune_id) for pk, code, commune_id in _restrict(Project.objects.all(), chunk, "pk")
                .values_list("pk", "code", "cluster__commune_id") if pk in wanted}
    ids = sorted(project_ids)
    keys = {}
    for start in range(0, len(ids), 20_000):
        keys.update((pk, (code, commune_id)) for pk, code, commune_id in Project.objects.filter(
            pk__in=ids[start:start + 20_000]).values_list("pk", "code", "cluster__commune_id"))
    return keys


def deadline_digest(crossing: date, finding) -> str:
    """The fingerprint of a stored coming date: its date and the finding it will give."""
    text = json.dumps([crossing.isoformat(), finding.severity, finding.evidence, bool(finding.ground)],
                      sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _sync_flags(findings, rules, chunk, skipped=frozenset(), scoped: bool = True):
    """Open, keep, change and close the open flags of the chunk's projects (`_chunks`) to match the findings;
    (opened, kept, closed, the ids of the flags that became critical). `scoped`: not a full scan."""
    now = timezone.now()
    rule_ids = {rule.code: rule.pk for rule in rules}
    open_flags = _restrict(Flag.objects.filter(cleared_at__isnull=True, rule_id__in=rule_ids.values()), chunk)
    existing = {
        (project_id, rule_id): (pk, severity, since, evidence, ground, code)
        for pk, project_id, rule_id, severity, since, evidence, ground, code in open_flags.values_list(
            "pk", "project_id", "rule_id", "severity", "since", "evidence", "ground", "project_code"
        )
    }
    to_create, kept_ids, changed, escalated, to_fix = [], [], [], [], {}
    for project_id, code, rule_code, finding in findings:
        key = (project_id, rule_ids[rule_code])
        current = existing.pop(key, None)
        ground = GROUNDS[rule_code].kind if finding.ground else ""
        if current is None:
            to_create.append(
                Flag(project_id=project_id, rule_id=key[1], severity=finding.severity, since=finding.since,
                     evidence=finding.evidence, ground=ground, first_seen=now, last_confirmed=now, project_code=code)
            )
        else:
            pk, severity, since, evidence, stored_ground, stored_code = current
            kept_ids.append(pk)
            if stored_code != code:  # the copy of the code, as the facts just read have it (a write raced a scan)
                to_fix.setdefault(code, []).append(pk)
            if (severity, since, evidence, stored_ground) != (finding.severity, finding.since, finding.evidence, ground):
                changed.append(Flag(pk=pk, severity=finding.severity, since=finding.since, evidence=finding.evidence,
                                    ground=ground, last_confirmed=now))
                if finding.severity == "critical" and severity != "critical":
                    escalated.append(pk)  # a warning that became critical is news for leadership too
    bulk_insert(Flag, to_create)  # COPY on PostgreSQL: the first scan opens every flag at once
    if kept_ids and scoped:
        # A scoped scan (one project, the nightly due ones) notes the flags it confirmed; a full scan does not
        # rewrite every open flag: each open flag is confirmed by the last successful full scan (flag page).
        Flag.objects.filter(pk__in=kept_ids).update(last_confirmed=now)
    if changed:
        Flag.objects.bulk_update(changed, ["severity", "since", "evidence", "ground", "last_confirmed"])
    for code, pks in to_fix.items():
        Flag.objects.filter(pk__in=pks).update(project_code=code)
    closed_ids = [value[0] for key, value in existing.items() if key[0] not in skipped]
    if closed_ids:
        # A closed flag keeps the project's code as it is at this moment (the list of closed flags sorts by it): a
        # rename that committed after this chunk's facts were read gets no rescan of these flags to correct them.
        Flag.objects.filter(pk__in=closed_ids).update(
            cleared_at=now, project_code=Subquery(Project.objects.filter(pk=OuterRef("project_id")).values("code")[:1]))
    new_critical = [flag.pk for flag in to_create if flag.severity == "critical" and flag.pk]
    if to_create and not new_critical and any(flag.severity == "critical" for flag in to_create):
        # Backends that do not return ids from a bulk insert: look the new critical flags up.
        new_critical = list(
            Flag.objects.filter(first_seen=now, severity="critical", cleared_at__isnull=True).values_list("pk", flat=True)
        )
    return len(to_create), len(kept_ids), len(closed_ids), new_critical + escalated
