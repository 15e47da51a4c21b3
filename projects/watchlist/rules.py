"""The watchlist rules, one function per legal rule beside its article (docs/watchlist.md, "The law as this
tracker reads it").

Each rule reads the `Facts` of one project as of a date (loaded for every project at once by `scans.load_facts`,
in a fixed number of queries) and returns a `Verdict`: its `Finding` (severity, the date the condition started to
hold, the evidence, and whether it is a legal ground for revocation) or none, and `next_on`, the next date on
which its answer could change by the passing of time alone. Months are calendar months; days inside a
force-majeure period do not count on any clock (`clock_end`). The facts are those in force on the as-of date (the
deadlines after the adjustments decided by then, the status of the dated status history) and, for a scan of the
past, those recorded by then; so evaluating as of a past date reproduces what the watchlist could say that day.

The thresholds come from the Rule rows (editable in the admin); the defaults are in the seeding migrations.
"""
from calendar import monthrange
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.numbers import format_billions, format_decimal

CRITICAL, WARNING, INFO = "critical", "warning", "info"
DAY = timedelta(days=1)

# The two clocks of Land Law 2024 Art. 81(8): land unused 12 consecutive months from on-site handover; land use
# 24 months behind the schedule, counted from the construction-completion deadline.
UNUSED, DELAY = "unused", "delay"
UNUSED_MONTHS, DELAY_MONTHS = 12, 24

# Kinds of legal ground a finding can be: recovery of the land, or termination of the project.
RECOVERY, TERMINATION = "recovery", "termination"

SUSPENDED, TERMINATED = "suspended", "terminated"


@dataclass(slots=True, frozen=True)
class Extension:
    """The one land-use extension of a clock (Art. 81(8)): its first and last day, the decision and the request."""

    clock: str  # UNUSED or DELAY
    start: date
    end: date  # the extension's last day
    decision_date: date | None = None
    requested_on: date | None = None


@dataclass(slots=True)
class Facts:
    """What the rules know about one project on the as-of date: the status and deadlines in force that day,
    actual dates after it are None, records dated (or decided, or recorded) after it are left out."""

    project_id: int
    status: str
    registered_capital_vnd: int
    clock_start: date | None  # investment registration certificate, else policy approval
    land_handover_date: date | None
    construction_start_deadline: date | None
    construction_completion_deadline: date | None
    operation_deadline: date | None
    actual_construction_start: date | None
    actual_completion: date | None
    actual_operation_start: date | None
    implemented_capital_vnd: int | None  # the latest capital report received by the date
    force_majeure: tuple[tuple[date, date], ...] = ()
    extensions: tuple[Extension, ...] = ()  # decided by the date
    adjustments: tuple[tuple[date, int], ...] = ()  # (decision date, months added), decided by the date
    notices: tuple[tuple[date, date | None], ...] = ()  # (notice date, extension requested on)
    transfer_requests: tuple[date, ...] = ()
    unreachable_since: date | None = None  # an "investor unreachable" record open on the date
    reported_halves: frozenset = field(default_factory=frozenset)  # {(year, 1 or 2)} with a report received
    status_since: date | None = None  # the day the status in force took effect (suspended on, terminated on)
    has_policy_approval: bool = False  # an investment-policy approval by the date
    land_recovered_on: date | None = None
    land_transferred_on: date | None = None  # after termination: land transferred or assets sold


@dataclass(slots=True)
class Finding:
    severity: str
    since: date
    evidence: dict
    ground: bool = False  # a legal ground for revocation (its kind and article: GROUNDS)


@dataclass(slots=True)
class Verdict:
    """A rule's answer for one project on one date, and the next date that answer could change by time alone."""

    finding: Finding | None = None
    next_on: date | None = None


def found(severity: str, since: date, evidence: dict, *, next_on: date | None = None, ground: bool = False) -> Verdict:
    return Verdict(Finding(severity, since, evidence, ground), next_on)


_NOTHING = Verdict(None, None)


def nothing(next_on: date | None = None) -> Verdict:
    return _NOTHING if next_on is None else Verdict(None, next_on)


def _earliest(*dates) -> date | None:
    present = [value for value in dates if value is not None]
    return min(present) if present else None


def _overlap_days(period: tuple[date, date], start: date, end: date) -> int:
    """Days of an inclusive period [a, b] inside the half-open window [start, end)."""
    first, last = max(period[0], start), min(period[1], end - DAY)
    return max(0, (last - first).days + 1)


def add_months(start: date, months: int) -> date:
    """Calendar months, the day clamped to the month's end (31/01 + 1 month = 28/02), as relativedelta does."""
    if not months:
        return start
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, monthrange(year, month)[1]))


def merge_periods(periods) -> tuple[tuple[date, date], ...]:
    """Overlapping or touching periods as one: a day of force majeure pauses a clock once, however often recorded."""
    merged: list[list[date]] = []
    for first, last in sorted(periods):
        if merged and first <= merged[-1][1] + DAY:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return tuple((first, last) for first, last in merged)


def clock_end(start: date, *, months: int = 0, days: int = 0, force_majeure=()) -> date:
    """The day a clock started on `start` reaches `months` calendar months and `days` days, not counting the days
    of force-majeure periods that fall inside it."""
    nominal = add_months(start, months) + timedelta(days=days)
    if not force_majeure:
        return nominal
    if len(force_majeure) > 1:
        force_majeure = merge_periods(force_majeure)
    end = nominal
    while True:
        paused = sum(_overlap_days(period, start, end) for period in force_majeure)
        moved = nominal + timedelta(days=paused)
        if moved == end:
            return end
        end = moved


def paused_days(start: date, end: date, force_majeure) -> int:
    return sum(_overlap_days(period, start, end) for period in merge_periods(force_majeure))


def _iso(value):
    return value.isoformat() if isinstance(value, date) else value


def _evidence(**values) -> dict:
    return {key: _iso(value) for key, value in values.items()}


def _effective_deadline(f: Facts, deadline: date) -> date:
    """A committed deadline moved by the force-majeure days between the project's start (its certificate) and it,
    the deadline's own day included (it is the last day allowed)."""
    start = min(f.clock_start or deadline, deadline)
    return clock_end(start, days=(deadline - start).days + 1, force_majeure=f.force_majeure) - DAY


def _operating(f: Facts) -> bool:
    return f.actual_operation_start is not None


# ---- The land clocks of Land Law 2024 Art. 81(8); Decree 102/2024 Art. 31(2) -----------------------------------
# running → reached (the first day of month 13, resp. 25: the extension window opens) → extended (one extension,
# at most 24 months: the project is lawful) → expired, the land still unused or late: recovery without
# compensation (EXTENSION_EXPIRED). Construction started (unused) or completed (delay) stops a clock.


def clock_running(f: Facts, clock: str) -> bool:
    """The clock's condition holds: land handed over and unused (no construction start), resp. not completed."""
    if not f.land_handover_date or _operating(f):
        return False
    if clock == UNUSED:
        return f.actual_construction_start is None
    return f.construction_completion_deadline is not None and f.actual_completion is None


def clock_reached_on(f: Facts, clock: str, months: int | None = None) -> date | None:
    """The first day of month 13 after handover (unused), or of month 25 after the completion deadline (delay),
    force majeure not counted; None while the clock does not run."""
    if not clock_running(f, clock):
        return None
    if clock == UNUSED:
        return clock_end(f.land_handover_date, months=months or UNUSED_MONTHS, force_majeure=f.force_majeure)
    deadline = _effective_deadline(f, f.construction_completion_deadline)
    return clock_end(deadline, months=months or DELAY_MONTHS, force_majeure=f.force_majeure)


def extension_of(f: Facts, clock: str) -> Extension | None:
    return next((extension for extension in f.extensions if extension.clock == clock), None)


def extension_expires_on(f: Facts, extension: Extension) -> date:
    """The day after the extension's last day; its own days inside a force-majeure period do not count either."""
    return clock_end(extension.start, days=(extension.end - extension.start).days + 1, force_majeure=f.force_majeure)


def extension_running(f: Facts, as_of: date) -> Extension | None:
    """An extension decided by the date and not yet run out: while it runs the project is lawful."""
    return next((e for e in f.extensions if e.start <= as_of < extension_expires_on(f, e) or as_of < e.start), None)


def _land_clock(f: Facts, as_of: date, clock: str, months: int, evidence: dict, warning_at: date | None) -> Verdict:
    reached = clock_reached_on(f, clock, months)
    if reached is None:
        return nothing()
    evidence = evidence | _evidence(threshold_date=reached)
    extension = extension_of(f, clock)
    if extension is not None:
        expires = extension_expires_on(f, extension)
        if as_of >= expires:
            return nothing()  # the clock goes on as EXTENSION_EXPIRED
        evidence |= _evidence(clock_state="extended", extension_start=extension.start, extension_end=extension.end)
        return found(INFO, min(extension.start, extension.decision_date or extension.start), evidence, next_on=expires)
    if as_of >= reached:
        return found(CRITICAL, reached, evidence | {"clock_state": "reached"})
    if warning_at is not None and as_of >= warning_at:
        return found(WARNING, warning_at, evidence | {"clock_state": "running"}, next_on=reached)
    return nothing(warning_at if warning_at is not None and warning_at > as_of else reached)


def land_unused_12m(f: Facts, params: dict, as_of: date) -> Verdict:
    """Land Law 2024 Art. 81(8); Decree 102/2024 Art. 31(2). Land handed over on site and not put to use (no
    construction start): an early warning from the first day of month 9, reached (critical: the extension window
    opens; not a ground) on the first day of month 13; information only while its one extension runs."""
    if not clock_running(f, UNUSED):
        return nothing()
    months, warn_month = params.get("months", UNUSED_MONTHS), params.get("warning_from_month", 9)
    warning_at = clock_end(f.land_handover_date, months=warn_month - 1, force_majeure=f.force_majeure)
    reached = clock_reached_on(f, UNUSED, months)
    evidence = _evidence(
        land_handover_date=f.land_handover_date,
        force_majeure_days=paused_days(f.land_handover_date, reached, f.force_majeure),
        construction_start_deadline=f.construction_start_deadline,
    )
    return _land_clock(f, as_of, UNUSED, months, evidence, warning_at)


def land_delay_24m(f: Facts, params: dict, as_of: date) -> Verdict:
    """Land Law 2024 Art. 81(8); Decree 102/2024 Art. 31(2). Land use 24 months behind the schedule: construction
    not completed on the first day of month 25 after the completion deadline in force (critical: the extension
    window opens; not a ground); information only while its one extension runs."""
    if not clock_running(f, DELAY):
        return nothing()
    months = params.get("months", DELAY_MONTHS)
    deadline = _effective_deadline(f, f.construction_completion_deadline)
    reached = clock_reached_on(f, DELAY, months)
    evidence = _evidence(
        construction_completion_deadline=f.construction_completion_deadline,
        force_majeure_days=paused_days(deadline, reached, f.force_majeure),
        actual_construction_start=f.actual_construction_start,
    )
    return _land_clock(f, as_of, DELAY, months, evidence, None)


def extension_expired(f: Facts, params: dict, as_of: date) -> Verdict:
    """Land Law 2024 Art. 81(8): the one extension of a clock (at most 24 months) ran out and the land is still
    unused (that clock: construction not started) or late (not completed): the State recovers the land without
    compensation. A ground for recovery."""
    next_on = None
    for extension in sorted(f.extensions, key=lambda e: e.end):
        if extension.clock not in (UNUSED, DELAY) or not clock_running(f, extension.clock):
            continue
        reached = clock_reached_on(f, extension.clock)
        if reached is None or reached > as_of:
            next_on = _earliest(next_on, reached)
            continue  # an extension of a clock not (yet) reached extends nothing
        expires = extension_expires_on(f, extension)
        if as_of < expires:
            next_on = _earliest(next_on, expires)
            continue
        return found(
            CRITICAL, expires,
            _evidence(clock=extension.clock, extension_start=extension.start, extension_end=extension.end,
                      construction_started=f.actual_construction_start),
            ground=True,
        )
    return nothing(next_on)


def extension_not_requested(f: Facts, params: dict, as_of: date) -> Verdict:
    """Decree 102/2024 Art. 31: a violation notice was sent and the investor did not ask for an extension within
    15 days of it (a request after that does not count): recovery. A ground for recovery."""
    if not f.notices or _operating(f):
        return nothing()
    # The land is still unused, or its use is late past the delay clock: a notice of either breach.
    delay_reached = clock_reached_on(f, DELAY)
    if not (clock_running(f, UNUSED) or (delay_reached is not None and delay_reached <= as_of)):
        return nothing(delay_reached)
    days, next_on = params.get("days", 15), None
    for notice_date, requested_on in sorted(f.notices, key=lambda notice: notice[0]):
        # The 15 days run from the day after the notice; a force-majeure day among them, the last included, pauses.
        last_day = clock_end(notice_date + DAY, days=days, force_majeure=f.force_majeure) - DAY
        requests = [requested_on] + [e.requested_on for e in f.extensions]
        if any(day is not None and notice_date <= day <= last_day for day in requests):
            continue  # asked in time
        if any((e.decision_date or e.start) <= notice_date < extension_expires_on(f, e) for e in f.extensions):
            continue  # an extension decided before the notice and running on it answers the notice
        if as_of <= last_day:
            next_on = _earliest(next_on, last_day + DAY)
            continue
        return found(CRITICAL, last_day + DAY, _evidence(notice_date=notice_date, last_day_to_request=last_day,
                                                          requested_on=requested_on), ground=True)
    return nothing(next_on)


# ---- Decree 32/2024 Art. 18(5), 23(1); Law on Investment Art. 48(2)(a1) (Law 57/2024/QH15) -------------------


def milestone_overdue(f: Facts, params: dict, as_of: date) -> Verdict:
    """Slow implementation (chậm triển khai): a deadline in force passed without its milestone (warning). Critical,
    and a ground for termination under Art. 48(2)(a1), 24 months after the operation deadline when no schedule
    adjustment was granted and the land is not handled under land law (no land clock of Art. 81(8) reached)."""
    if _operating(f):
        return nothing()
    milestones = (
        ("construction_start", f.construction_start_deadline, f.actual_construction_start),
        ("construction_completion", f.construction_completion_deadline, f.actual_completion),
        ("operation", f.operation_deadline, f.actual_operation_start),
    )
    missed, next_on = [], None
    for name, deadline, actual in milestones:
        if deadline is None or actual is not None:
            continue
        effective = _effective_deadline(f, deadline)
        if as_of > effective:
            missed.append((name, deadline, effective))
        else:
            next_on = _earliest(next_on, effective + DAY)
    if not missed:
        return nothing(next_on)
    evidence = {"missed": [{"milestone": name, "deadline": _iso(deadline), "effective_deadline": _iso(effective)}
                           for name, deadline, effective in missed]}
    operation = next((m for m in missed if m[0] == "operation"), None)
    if operation is None:
        return found(WARNING, min(m[2] for m in missed) + DAY, evidence, next_on=next_on)
    escalate_at = clock_end(operation[2], months=params.get("escalate_months", 24), force_majeure=f.force_majeure)
    if as_of < escalate_at:
        return found(WARNING, min(m[2] for m in missed) + DAY, evidence, next_on=_earliest(next_on, escalate_at))
    reached = [day for day in (clock_reached_on(f, UNUSED), clock_reached_on(f, DELAY)) if day is not None]
    land_law = any(day <= as_of for day in reached)
    adjusted = bool(f.adjustments)
    evidence |= {"adjustment_granted": adjusted, "land_law_route": land_law, "escalation_date": _iso(escalate_at)}
    later = _earliest(*(day for day in reached if day > as_of))
    if adjusted or land_law:
        return found(WARNING, min(m[2] for m in missed) + DAY, evidence, next_on=later)
    return found(CRITICAL, escalate_at, evidence, next_on=later, ground=True)


# ---- Law on Investment 2020 Art. 41(3)(d), 41(4) ---------------------------------------------------------------


def adjustment_cap(f: Facts, params: dict, as_of: date) -> Verdict:
    """Only for a project with an investment-policy approval, counted against the first approval's schedule: the
    adjustments decided add up to over 12 months (an amended approval is needed), over 24 (not allowed). A project
    with only a registration certificate has no cap. Not a ground: the adjustment should be refused."""
    if not f.has_policy_approval or not f.adjustments or _operating(f):
        return nothing()
    amend, maximum = params.get("amend_months", 12), params.get("max_months", 24)
    total, crossed_amend, crossed_max = 0, None, None
    for decision_date, months in sorted(f.adjustments):
        total += months
        if total > amend and crossed_amend is None:
            crossed_amend = decision_date
        if total > maximum and crossed_max is None:
            crossed_max = decision_date
    if crossed_max:
        return found(CRITICAL, crossed_max, _evidence(months_added=total, limit_months=maximum))
    if crossed_amend:
        return found(WARNING, crossed_amend, _evidence(months_added=total, limit_months=amend))
    return nothing()


# ---- Law on Investment 2020 Art. 48(2)(c) ----------------------------------------------------------------------


def suspended_12m(f: Facts, params: dict, as_of: date) -> Verdict:
    """The project stopped operating (the suspension's effective date in the status history) 12 months ago and
    the investor cannot be reached: a ground for termination."""
    if f.status != SUSPENDED or f.status_since is None:
        return nothing()
    reached = clock_end(f.status_since, months=params.get("months", 12), force_majeure=f.force_majeure)
    if as_of < reached:
        return nothing(reached)
    if f.unreachable_since is None:
        return nothing()
    since = max(reached, f.unreachable_since)
    return found(CRITICAL, since, _evidence(suspended_on=f.status_since, unreachable_since=f.unreachable_since,
                                            threshold_date=reached), ground=True)


# ---- Indicators for Land Law 2024 Art. 81(8), Law on Investment 2020 Art. 48(2)(d), (e) --------------------------


def land_holding_signs(f: Facts, params: dict, as_of: date) -> Verdict:
    """Signs of holding land to resell it (giữ đất chờ chuyển nhượng), which the law does not define: land handed
    over and, after the construction-start deadline, implemented capital under 10 % of registered; or a request to
    transfer before operation. Not a ground: a reason to inspect."""
    if _operating(f):
        return nothing()
    signs, dates, next_on = [], [], None
    if f.land_handover_date and f.construction_start_deadline and f.registered_capital_vnd:
        effective = _effective_deadline(f, f.construction_start_deadline)
        implemented = f.implemented_capital_vnd or 0
        share = implemented * 100 / f.registered_capital_vnd
        if share < params.get("capital_share_pct", 10):
            if as_of > effective:
                signs.append(
                    {"indicator": "low_capital", "implemented_capital_vnd": implemented,
                     "registered_capital_vnd": f.registered_capital_vnd, "share_pct": round(share, 2),
                     "construction_start_deadline": _iso(f.construction_start_deadline)}
                )
                dates.append(max(effective + DAY, f.land_handover_date))
            else:
                next_on = effective + DAY
    if f.transfer_requests:
        first = min(f.transfer_requests)
        signs.append({"indicator": "transfer_request", "request_date": _iso(first)})
        dates.append(first)
    if not signs:
        return nothing(next_on)
    return found(WARNING, min(dates), {"signs": signs}, next_on=next_on)


# ---- Circular 14/2024/TT-BCT Biểu 01; Law on Investment Art. 72 -------------------------------------------------
# The half-year report is due on 20 June (first half) and on 20 December (second half, or the year).


def _due_day(params: dict, half: int) -> tuple[int, int]:
    text = params.get("h1_due" if half == 1 else "h2_due", "06-20" if half == 1 else "12-20")
    month, day = (int(part) for part in text.split("-"))
    return month, day


def report_due_on(year: int, half: int, params: dict) -> date:
    month, day = _due_day(params, half)
    return date(year, month, day)


def _previous_half(year: int, half: int) -> tuple[int, int]:
    return (year, 1) if half == 2 else (year - 1, 2)


def _next_half(year: int, half: int) -> tuple[int, int]:
    return (year, 2) if half == 1 else (year + 1, 1)


def due_halves(as_of: date, count: int, params: dict | None = None) -> tuple[tuple[int, int], ...]:
    """The last `count` half-years whose report due date has passed by `as_of` (from the day after it), newest
    first."""
    return _due_halves(as_of, count, tuple(sorted((params or {}).items())))


@lru_cache(maxsize=64)
def _due_halves(as_of: date, count: int, frozen: tuple) -> tuple[tuple[int, int], ...]:
    params = dict(frozen)
    year, half = as_of.year, 2
    while report_due_on(year, half, params) >= as_of:
        year, half = _previous_half(year, half)
    halves = []
    for _index in range(count):
        halves.append((year, half))
        year, half = _previous_half(year, half)
    return tuple(halves)


@lru_cache(maxsize=64)
def _report_window(as_of: date, frozen: tuple):
    """For a date: the half-years due (newest first), the first day of the oldest, the latest due date, and the
    day after the next due date (computed once per scan, not once per project)."""
    params = dict(frozen)
    halves = _due_halves(as_of, params.get("periods", 2), frozen)
    next_due = report_due_on(*_next_half(*halves[0]), params) + DAY
    oldest_start = date(halves[-1][0], 1 if halves[-1][1] == 1 else 7, 1)
    return halves, oldest_start, report_due_on(*halves[0], params), next_due


def report_missing(f: Facts, params: dict, as_of: date) -> Verdict:
    """The investor stopped reporting: the last two half-year reports due (20 June, 20 December) were not
    received, for a project registered before the first of those half-years began. Not a ground."""
    halves, oldest_start, latest_due, next_due = _report_window(as_of, tuple(sorted(params.items())))
    if f.clock_start is None or f.clock_start > oldest_start:
        return nothing(next_due)
    if any(half in f.reported_halves for half in halves):
        return nothing(next_due)
    return found(
        INFO, latest_due + DAY,
        {"missing_periods": [f"{year}-H{half}" for year, half in reversed(halves)], "report_due": _iso(latest_due)},
        next_on=next_due,
    )


# ---- Decree 102/2024 Art. 35(2) --------------------------------------------------------------------------------


def terminated_land_24m(f: Facts, params: dict, as_of: date) -> Verdict:
    """After the project's termination the investor has 24 months to transfer the land or sell the assets on it;
    then the land is recovered without compensation. A ground for recovery. (The only rule for terminated
    projects.)"""
    if f.status != TERMINATED or f.status_since is None or not f.land_handover_date:
        return nothing()
    if f.land_recovered_on or f.land_transferred_on:
        return nothing()
    at = clock_end(f.status_since, months=params.get("months", 24), force_majeure=f.force_majeure)
    if as_of < at:
        return nothing(at)
    return found(CRITICAL, at, _evidence(terminated_on=f.status_since, threshold_date=at), ground=True)


RULES = {
    "LAND_UNUSED_12M": land_unused_12m,
    "LAND_DELAY_24M": land_delay_24m,
    "EXTENSION_EXPIRED": extension_expired,
    "EXTENSION_NOT_REQUESTED": extension_not_requested,
    "MILESTONE_OVERDUE": milestone_overdue,
    "ADJUSTMENT_CAP": adjustment_cap,
    "SUSPENDED_12M": suspended_12m,
    "LAND_HOLDING_SIGNS": land_holding_signs,
    "REPORT_MISSING": report_missing,
    "TERMINATED_LAND_24M": terminated_land_24m,
}

# The rules evaluated for a terminated project (all the others are for projects that are not).
FOR_TERMINATED = frozenset({"TERMINATED_LAND_24M"})


@dataclass(frozen=True)
class Ground:
    """What a rule's finding is a ground for, when it is one, and under which article."""

    kind: str  # RECOVERY or TERMINATION
    article: str
    only_at: str = ""  # a severity: the finding is a ground only at it


GROUNDS = {
    "EXTENSION_EXPIRED": Ground(RECOVERY, "Luật Đất đai 2024, khoản 8 Điều 81"),
    "EXTENSION_NOT_REQUESTED": Ground(RECOVERY, "Nghị định 102/2024/NĐ-CP, Điều 31; Luật Đất đai 2024, khoản 8 Điều 81"),
    "SUSPENDED_12M": Ground(TERMINATION, "Luật Đầu tư 2020, điểm c khoản 2 Điều 48"),
    "MILESTONE_OVERDUE": Ground(TERMINATION, "Luật Đầu tư 2020, điểm a1 khoản 2 Điều 48 (Luật 57/2024/QH15)", CRITICAL),
    "TERMINATED_LAND_24M": Ground(RECOVERY, "Nghị định 102/2024/NĐ-CP, khoản 2 Điều 35"),
}


def evaluate_project(f: Facts, rules: list[tuple[str, dict]], as_of: date) -> tuple[list[tuple[str, Finding]], date | None]:
    """Every finding for one project and the earliest date any rule's answer could change."""
    findings, next_on = [], None
    terminated = f.status == TERMINATED
    for code, params in rules:
        if (code in FOR_TERMINATED) != terminated:
            continue
        verdict = RULES[code](f, params, as_of)
        if verdict.finding is not None:
            findings.append((code, verdict.finding))
        if verdict.next_on is not None and verdict.next_on > as_of:
            next_on = _earliest(next_on, verdict.next_on)
    return findings, next_on


# ---- Ahead of the deadline: the date each rule will next hold ----------------------------------------------------
# The coming-due list (docs/watchlist.md, "Coming due") reads, per project and rule, the first date on which the rule
# will give a finding if nothing happens. A rule's answer can change only on its `next_on` dates, so the date is found
# by evaluating the rule again on each of them in turn (a clock that starts to run is a change into another
# "nothing", followed further). The scan follows them up to AHEAD (a few years) and AHEAD_STEPS steps, not only the
# list's window: a project is rescanned only when its next check comes or its data changes, and a crossing must be
# known before it comes within the window.

AHEAD = timedelta(days=3 * 366)
AHEAD_STEPS = 12
WINDOW = timedelta(days=90)  # the coming-due list's longest window


def crossing_after(rule, f: Facts, params: dict, as_of: date, verdict: Verdict, until: date,
                   steps: int = AHEAD_STEPS) -> tuple[date | None, Finding | None, date | None]:
    """Where `verdict` (the rule's answer on `as_of`) gives no finding: (the first date after `as_of` and by `until`
    on which the rule gives one, that finding, None); or (None, None, pending): no such date, and `pending` is the
    next date the answer could still change that was not looked at (beyond `until`, or past the steps), None when it
    never changes again by time alone."""
    day = verdict.next_on
    for _step in range(steps):
        if day is None or day <= as_of:
            return None, None, None
        if day > until:
            return None, None, day
        later = rule(f, params, day)
        if later.finding is not None:
            return day, later.finding, None
        day = later.next_on if later.next_on is not None and later.next_on > day else None
    return None, None, day


def evaluate_project_ahead(f: Facts, rules: list[tuple[str, dict]], as_of: date):
    """As `evaluate_project`, and for each rule that gives no finding today the date it will (`crossing_after`, up
    to AHEAD): (findings, the earliest next date, [(code, crossing, Finding)], the date by which the project must be
    scanned again so that a crossing not yet looked at is known WINDOW days ahead, or None)."""
    findings, next_on, crossings, recheck = [], None, [], None
    terminated = f.status == TERMINATED
    until = as_of + AHEAD
    for code, params in rules:
        if (code in FOR_TERMINATED) != terminated:
            continue
        rule = RULES[code]
        verdict = rule(f, params, as_of)
        if verdict.next_on is not None and verdict.next_on > as_of:
            next_on = _earliest(next_on, verdict.next_on)
        if verdict.finding is not None:
            findings.append((code, verdict.finding))
            continue
        if verdict.next_on is None or verdict.next_on <= as_of:
            continue  # its answer never changes by time alone: nothing will come due
        day, finding, pending = crossing_after(rule, f, params, as_of, verdict, until)
        if day is not None:
            crossings.append((code, day, finding))
        elif pending is not None:
            recheck = _earliest(recheck, max(pending - WINDOW, as_of + DAY))
    return findings, next_on, crossings, recheck


# ---- Plain words for the watchlist page -------------------------------------------------------------------------

MILESTONE_NAMES = {"construction_start": gettext_lazy("construction start"),
                   "construction_completion": gettext_lazy("construction completion"),
                   "operation": gettext_lazy("operation")}


def period_words(text: str) -> str:
    """A half-year as leadership reads it: "2025-H2" → "second half of 2025"."""
    year, _sep, half = str(text).partition("-H")
    if half == "1":
        return _("first half of %(year)s") % {"year": year}
    if half == "2":
        return _("second half of %(year)s") % {"year": year}
    return str(text)


def _d(value) -> str:
    return date.fromisoformat(value).strftime("%d/%m/%Y") if value else "—"


def _months_between(start_iso: str, today: date) -> int:
    delta = relativedelta(today, date.fromisoformat(start_iso))
    return delta.years * 12 + delta.months


def describe(code: str, evidence: dict, today: date) -> str:
    """What triggered a flag, in a sentence for leadership (e.g. "Land handed over on 03/05/2023; construction
    not started after 14 months"). Evidence that does not have the expected shape (an older rule version, a
    hand edit) gives an empty sentence rather than a broken page."""
    try:
        return _describe(code, evidence, today)
    except (KeyError, TypeError, ValueError, IndexError):
        return ""


def _describe(code: str, evidence: dict, today: date) -> str:
    e = evidence
    if code in ("LAND_UNUSED_12M", "LAND_DELAY_24M") and e.get("clock_state") == "extended":
        return _("Land-use extension from %(start)s to %(end)s: the project is lawful while it runs.") % {
            "start": _d(e["extension_start"]), "end": _d(e["extension_end"])}
    if code == "LAND_UNUSED_12M":
        text = _("Land handed over on %(date)s; construction not started after %(months)s months.") % {
            "date": _d(e["land_handover_date"]), "months": _months_between(e["land_handover_date"], today)}
        if e.get("clock_state") == "reached":
            text += " " + _("The 12 months were reached on %(date)s: the investor may ask for one extension.") % {
                "date": _d(e["threshold_date"])}
        return text
    if code == "LAND_DELAY_24M":
        text = _("Construction was due to be completed on %(date)s and is still not completed after %(months)s months.") % {
            "date": _d(e["construction_completion_deadline"]),
            "months": _months_between(e["construction_completion_deadline"], today)}
        if e.get("clock_state") == "reached":
            text += " " + _("The 24 months were reached on %(date)s: the investor may ask for one extension.") % {
                "date": _d(e["threshold_date"])}
        return text
    if code == "EXTENSION_EXPIRED":
        return _("The land-use extension ended on %(date)s and the land is still not in use.") % {"date": _d(e["extension_end"])}
    if code == "EXTENSION_NOT_REQUESTED":
        text = _("Violation notice of %(date)s; no extension requested by %(last)s.") % {
            "date": _d(e["notice_date"]), "last": _d(e["last_day_to_request"])}
        if e.get("requested_on"):
            text += " " + _("The request of %(date)s came after the 15 days and does not count.") % {
                "date": _d(e["requested_on"])}
        return text
    if code == "MILESTONE_OVERDUE":
        parts = [_("%(milestone)s due %(date)s") % {"milestone": MILESTONE_NAMES[m["milestone"]], "date": _d(m["deadline"])}
                 for m in e["missed"]]
        text = _("Deadlines passed without the milestone: %(list)s.") % {"list": "; ".join(parts)}
        if e.get("land_law_route"):
            text += " " + _("The land is handled under the Land Law (extension or recovery), not by termination under the Law on Investment.")
        elif e.get("adjustment_granted"):
            text += " " + _("A schedule adjustment was granted, so this is not a ground for termination.")
        return text
    if code == "ADJUSTMENT_CAP":
        return _("Schedule adjusted by %(months)s months in total (limit %(limit)s).") % {
            "months": e["months_added"], "limit": e["limit_months"]}
    if code == "SUSPENDED_12M":
        return _("Operations stopped on %(stopped)s; the investor cannot be reached since %(date)s.") % {
            "stopped": _d(e["suspended_on"]), "date": _d(e["unreachable_since"])}
    if code == "TERMINATED_LAND_24M":
        return _("Terminated on %(date)s; the land was not transferred nor the assets sold within 24 months (by %(at)s).") % {
            "date": _d(e["terminated_on"]), "at": _d(e["threshold_date"])}
    if code == "LAND_HOLDING_SIGNS":
        parts = []
        for sign in e["signs"]:
            if sign["indicator"] == "low_capital":
                parts.append(_("capital implemented %(implemented)s of %(registered)s billion VND (%(share)s %%) after the construction-start deadline %(date)s") % {
                    "implemented": format_billions(sign["implemented_capital_vnd"]),
                    "registered": format_billions(sign["registered_capital_vnd"]),
                    "share": format_decimal(Decimal(str(sign["share_pct"]))), "date": _d(sign["construction_start_deadline"])})
            else:
                parts.append(_("transfer requested on %(date)s before operation") % {"date": _d(sign["request_date"])})
        return _("Signs of holding land: %(list)s.") % {"list": "; ".join(parts)}
    if code == "REPORT_MISSING":
        return _("No capital report for %(periods)s.") % {"periods": ", ".join(period_words(p) for p in e["missing_periods"])}
    return ""
