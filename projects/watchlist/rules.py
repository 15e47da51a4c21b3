"""The watchlist rules, one function per legal rule beside its article (DESIGN.md §3).

Each rule reads the `Facts` of one project as of a date (loaded for every project at once by `scans.load_facts`,
in a fixed number of queries) and returns a `Finding` (severity, the date the condition started to hold, and the
evidence) or None. Months are calendar months; days inside a force-majeure period do not count on any clock
(`clock_end`). Anything dated after the as-of date has already been removed from the facts, so evaluating as of a
past date reproduces what the watchlist said that day.

The thresholds come from the Rule rows (editable in the admin); the defaults are in the seeding migration.
"""
from calendar import monthrange
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from tracker.numbers import format_billions, format_decimal

CRITICAL, WARNING, INFO = "critical", "warning", "info"
DAY = timedelta(days=1)


@dataclass(slots=True)
class Facts:
    """What the rules know about one project as of a date (actual dates after it are None)."""

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
    implemented_capital_vnd: int | None  # the latest capital report as of the date
    force_majeure: tuple[tuple[date, date], ...] = ()
    extensions: tuple[tuple[date, date], ...] = ()  # (start, end), started by the date
    adjustments: tuple[tuple[date, int], ...] = ()  # (decision date, months added)
    notices: tuple[tuple[date, date | None], ...] = ()  # (notice date, extension requested on)
    transfer_requests: tuple[date, ...] = ()
    unreachable_since: date | None = None  # an open "investor unreachable" record
    reported_halves: frozenset = field(default_factory=frozenset)  # {(year, 1 or 2)}


@dataclass(slots=True)
class Finding:
    severity: str
    since: date
    evidence: dict


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


def clock_end(start: date, *, months: int = 0, days: int = 0, force_majeure=()) -> date:
    """The day a clock started on `start` reaches `months` calendar months and `days` days, not counting the days
    of force-majeure periods that fall inside it."""
    nominal = add_months(start, months) + timedelta(days=days)
    if not force_majeure:
        return nominal
    end = nominal
    while True:
        paused = sum(_overlap_days(period, start, end) for period in force_majeure)
        moved = nominal + timedelta(days=paused)
        if moved == end:
            return end
        end = moved


def paused_days(start: date, end: date, force_majeure) -> int:
    return sum(_overlap_days(period, start, end) for period in force_majeure)


def _iso(value):
    return value.isoformat() if isinstance(value, date) else value


def _evidence(**values) -> dict:
    return {key: _iso(value) for key, value in values.items()}


def _effective_deadline(f: Facts, deadline: date) -> date:
    """A committed deadline moved by the force-majeure days between the project's start (its certificate) and it."""
    start = min(f.clock_start or deadline, deadline)
    return clock_end(start, days=(deadline - start).days, force_majeure=f.force_majeure)


def _operating(f: Facts) -> bool:
    return f.actual_operation_start is not None


# ---- Land Law 2024 Art. 81(8); Decree 102/2024 Art. 31(2) ------------------------------------------------------


def land_unused_12m(f: Facts, params: dict, as_of: date) -> Finding | None:
    """Land handed over on site and not put to use (no construction start) for 12 consecutive months; an early
    warning from the start of month 9."""
    if not f.land_handover_date or f.actual_construction_start or _operating(f):
        return None
    months, warn_month = params.get("months", 12), params.get("warning_from_month", 9)
    critical_at = clock_end(f.land_handover_date, months=months, force_majeure=f.force_majeure)
    warning_at = clock_end(f.land_handover_date, months=warn_month - 1, force_majeure=f.force_majeure)
    evidence = _evidence(
        land_handover_date=f.land_handover_date,
        threshold_date=critical_at,
        force_majeure_days=paused_days(f.land_handover_date, critical_at, f.force_majeure),
        construction_start_deadline=f.construction_start_deadline,
    )
    if as_of >= critical_at:
        return Finding(CRITICAL, critical_at, evidence)
    if as_of >= warning_at:
        return Finding(WARNING, warning_at, evidence)
    return None


def land_delay_24m(f: Facts, params: dict, as_of: date) -> Finding | None:
    """Land use 24 months behind schedule: construction not finished 24 months after its completion deadline."""
    if not f.land_handover_date or not f.construction_completion_deadline or f.actual_completion or _operating(f):
        return None
    deadline = _effective_deadline(f, f.construction_completion_deadline)
    at = clock_end(deadline, months=params.get("months", 24), force_majeure=f.force_majeure)
    if as_of < at:
        return None
    return Finding(
        CRITICAL,
        at,
        _evidence(
            construction_completion_deadline=f.construction_completion_deadline,
            threshold_date=at,
            force_majeure_days=paused_days(f.construction_completion_deadline, at, f.force_majeure),
            actual_construction_start=f.actual_construction_start,
        ),
    )


def extension_expired(f: Facts, params: dict, as_of: date) -> Finding | None:
    """The land-use extension (at most 24 months, from month 13 or month 25) ran out and the land is still unused
    or late: the State recovers the land without compensation."""
    if not f.extensions or _operating(f):
        return None
    start, end = max(f.extensions, key=lambda period: period[1])
    # The extension's own clock: its days inside a force-majeure period do not count either.
    expires = clock_end(start, days=(end - start).days + 1, force_majeure=f.force_majeure)
    if as_of < expires:
        return None
    unused = f.actual_construction_start is None
    late = f.construction_completion_deadline is not None and f.actual_completion is None and start > f.construction_completion_deadline
    if not (unused or late):
        return None
    return Finding(
        CRITICAL,
        expires,
        _evidence(extension_start=start, extension_end=end, construction_started=f.actual_construction_start),
    )


def extension_not_requested(f: Facts, params: dict, as_of: date) -> Finding | None:
    """A violation notice was sent and the investor did not ask for an extension within 15 days (Decree 102/2024
    Art. 31)."""
    if not f.notices or f.actual_construction_start or _operating(f):
        return None
    notice_date, requested_on = max(f.notices, key=lambda notice: notice[0])
    # Answered by a request, or by an extension still running on (or granted for a period reaching) the notice.
    if requested_on is not None or any(end >= notice_date for _start, end in f.extensions):
        return None
    last_day = clock_end(notice_date, days=params.get("days", 15), force_majeure=f.force_majeure)
    if as_of <= last_day:
        return None
    return Finding(WARNING, last_day + DAY, _evidence(notice_date=notice_date, last_day_to_request=last_day))


# ---- Decree 32/2024 Art. 18(5), 23(1); Law on Investment 2020 Art. 48(2)(a1) ------------------------------------


def milestone_overdue(f: Facts, params: dict, as_of: date) -> Finding | None:
    """Slow implementation (chậm triển khai): a committed deadline passed without the milestone; critical 24
    months past the operation deadline."""
    if _operating(f):
        return None
    milestones = (
        ("construction_start", f.construction_start_deadline, f.actual_construction_start),
        ("construction_completion", f.construction_completion_deadline, f.actual_completion),
        ("operation", f.operation_deadline, f.actual_operation_start),
    )
    missed = []
    for name, deadline, actual in milestones:
        if deadline is None or actual is not None:
            continue
        effective = _effective_deadline(f, deadline)
        if as_of > effective:
            missed.append((name, deadline, effective))
    if not missed:
        return None
    since = min(effective for _name, _deadline, effective in missed) + DAY
    severity = WARNING
    operation = next((m for m in missed if m[0] == "operation"), None)
    if operation:
        escalate_at = clock_end(operation[2], months=params.get("escalate_months", 24), force_majeure=f.force_majeure)
        if as_of >= escalate_at:
            severity = CRITICAL
    return Finding(
        severity,
        since,
        {"missed": [{"milestone": name, "deadline": _iso(deadline), "effective_deadline": _iso(effective)} for name, deadline, effective in missed]},
    )


# ---- Law on Investment 2020 Art. 41(3)(d), 41(4) ---------------------------------------------------------------


def adjustment_cap(f: Facts, params: dict, as_of: date) -> Finding | None:
    """The schedule pushed too far: over 12 months in total needs an amended approval, over 24 is not allowed."""
    if not f.adjustments or _operating(f):
        return None
    amend, maximum = params.get("amend_months", 12), params.get("max_months", 24)
    total, crossed_amend, crossed_max = 0, None, None
    for decision_date, months in sorted(f.adjustments):
        total += months
        if total > amend and crossed_amend is None:
            crossed_amend = decision_date
        if total > maximum and crossed_max is None:
            crossed_max = decision_date
    if crossed_max:
        return Finding(CRITICAL, crossed_max, _evidence(months_added=total, limit_months=maximum))
    if crossed_amend:
        return Finding(WARNING, crossed_amend, _evidence(months_added=total, limit_months=amend))
    return None


# ---- Law on Investment 2020 Art. 48(2)(c) ----------------------------------------------------------------------


def suspended_12m(f: Facts, params: dict, as_of: date) -> Finding | None:
    """Suspended, and the investor cannot be reached for 12 months."""
    if f.status != "suspended" or f.unreachable_since is None:
        return None
    at = clock_end(f.unreachable_since, months=params.get("months", 12), force_majeure=f.force_majeure)
    if as_of < at:
        return None
    return Finding(CRITICAL, at, _evidence(unreachable_since=f.unreachable_since, threshold_date=at))


# ---- Indicators for Land Law 2024 Art. 81(8), Law on Investment 2020 Art. 48(2)(d), (e) --------------------------


def land_holding_signs(f: Facts, params: dict, as_of: date) -> Finding | None:
    """Signs of holding land to resell it (giữ đất chờ chuyển nhượng), which the law does not define: land handed
    over and, after the construction-start deadline, implemented capital under 10 % of registered; or a request to
    transfer before operation."""
    if _operating(f):
        return None
    signs, dates = [], []
    if f.land_handover_date and f.construction_start_deadline and f.registered_capital_vnd:
        effective = _effective_deadline(f, f.construction_start_deadline)
        implemented = f.implemented_capital_vnd or 0
        share = implemented * 100 / f.registered_capital_vnd
        if as_of > effective and share < params.get("capital_share_pct", 10):
            signs.append(
                {"indicator": "low_capital", "implemented_capital_vnd": implemented,
                 "registered_capital_vnd": f.registered_capital_vnd, "share_pct": round(share, 2),
                 "construction_start_deadline": _iso(f.construction_start_deadline)}
            )
            dates.append(max(effective + DAY, f.land_handover_date))
    if f.transfer_requests:
        first = min(f.transfer_requests)
        signs.append({"indicator": "transfer_request", "request_date": _iso(first)})
        dates.append(first)
    if not signs:
        return None
    return Finding(WARNING, min(dates), {"signs": signs})


# ---- Law on Investment 2020 Art. 72; Circular 14/2024/TT-BCT form 01 --------------------------------------------


def _half_end(year: int, half: int) -> date:
    return date(year, 6, 30) if half == 1 else date(year, 12, 31)


def _previous_half(year: int, half: int) -> tuple[int, int]:
    return (year, 1) if half == 2 else (year - 1, 2)


@lru_cache(maxsize=64)
def completed_halves(as_of: date, count: int, grace_days: int) -> tuple[tuple[int, int], ...]:
    """The last `count` half-years whose report was due (end + grace days) before `as_of`, newest first."""
    year, half = as_of.year, 1 if as_of.month <= 6 else 2
    while _half_end(year, half) + timedelta(days=grace_days) >= as_of:
        year, half = _previous_half(year, half)
    halves = []
    for _ in range(count):
        halves.append((year, half))
        year, half = _previous_half(year, half)
    return tuple(halves)


def report_missing(f: Facts, params: dict, as_of: date) -> Finding | None:
    """The investor stopped reporting: no capital report for two half-years in a row."""
    count, grace = params.get("periods", 2), params.get("grace_days", 30)
    halves = completed_halves(as_of, count, grace)
    oldest_start = date(halves[-1][0], 1 if halves[-1][1] == 1 else 7, 1)
    if f.clock_start is None or f.clock_start > oldest_start:
        return None
    if any(half in f.reported_halves for half in halves):
        return None
    latest_due = _half_end(*halves[0]) + timedelta(days=grace)
    return Finding(
        INFO,
        latest_due + DAY,
        {"missing_periods": [f"{year}-H{half}" for year, half in reversed(halves)], "report_due": _iso(latest_due)},
    )


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
}


# ---- Plain words for the watchlist page -------------------------------------------------------------------------


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
    if code == "LAND_UNUSED_12M":
        return _("Land handed over on %(date)s; construction not started after %(months)s months.") % {
            "date": _d(e["land_handover_date"]), "months": _months_between(e["land_handover_date"], today)}
    if code == "LAND_DELAY_24M":
        return _("Construction was due to be completed on %(date)s and is still not completed after %(months)s months.") % {
            "date": _d(e["construction_completion_deadline"]),
            "months": _months_between(e["construction_completion_deadline"], today)}
    if code == "EXTENSION_EXPIRED":
        return _("The land-use extension ended on %(date)s and the land is still not in use.") % {"date": _d(e["extension_end"])}
    if code == "EXTENSION_NOT_REQUESTED":
        return _("Violation notice of %(date)s; no extension requested by %(last)s.") % {
            "date": _d(e["notice_date"]), "last": _d(e["last_day_to_request"])}
    if code == "MILESTONE_OVERDUE":
        names = {"construction_start": _("construction start"), "construction_completion": _("construction completion"),
                 "operation": _("operation")}
        parts = [_("%(milestone)s due %(date)s") % {"milestone": names[m["milestone"]], "date": _d(m["deadline"])}
                 for m in e["missed"]]
        return _("Deadlines passed without the milestone: %(list)s.") % {"list": "; ".join(parts)}
    if code == "ADJUSTMENT_CAP":
        return _("Schedule adjusted by %(months)s months in total (limit %(limit)s).") % {
            "months": e["months_added"], "limit": e["limit_months"]}
    if code == "SUSPENDED_12M":
        return _("Suspended; the investor cannot be reached since %(date)s.") % {"date": _d(e["unreachable_since"])}
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
        return _("No capital report for %(periods)s.") % {"periods": ", ".join(e["missing_periods"])}
    return ""
