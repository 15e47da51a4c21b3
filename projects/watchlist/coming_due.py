"""What is coming due: the projects that will cross a legal threshold in the next N days if nothing happens, derived
from the rules themselves (docs/watchlist.md, "Coming due"), never from a second copy of the thresholds.

Every rule says, beside its finding, the next date its answer could change (`Verdict.next_on`), and a scan stores
each project's earliest as `Project.next_check_on`. So the candidates are the projects whose `next_check_on` falls
by the horizon (or is empty: a rescan is owed); their facts are loaded as a scan loads them, in a fixed number of
queries (`scans.load_facts`, as of today); and each rule that gives no finding today is evaluated again as of the
date its answer changes. Only when it then gives a finding is the (project, rule) coming due, on that date. A
verdict that changes into another "nothing" (a clock that starts to run) is followed to its next date, still within
the horizon. A rule that is a finding today is a flag, not something coming due; a (project, rule) with an open flag
is left out too.
"""
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from projects.models import Flag, Project, Rule, UnreachableRecord, ViolationNotice, WarningLetter
from projects.watchlist.rules import FOR_TERMINATED, MILESTONE_NAMES, RULES, TERMINATED, Finding, period_words
from projects.watchlist.scans import _gc_paused, load_facts
from tracker import access
from tracker.services import model_save

logger = logging.getLogger(__name__)

HORIZONS = (30, 60, 90)  # the windows offered on the page, in days
DEFAULT_HORIZON = 90
# A verdict can change into another "nothing" before it becomes a finding (the delay clock reached before the 15 days
# after a notice can run); a few steps are plenty within 90 days.
MAX_STEPS = 6


@dataclass
class DueRow:
    """One (project, rule) that will become a finding on `crossing` unless something happens first."""

    project_id: int
    project_code: str
    rule_code: str
    crossing: date  # the first day the rule holds
    days_left: int
    finding: Finding  # what the rule will say that day (severity, evidence, ground)
    project: Project | None = None
    last_contact: tuple | None = None  # (date, what): the last time the department and the investor were in touch
    unreachable_since: date | None = None
    warned_on: date | None = None  # the last warning letter recorded as sent for this crossing
    extra: dict = field(default_factory=dict)


def crossing_of(rule, facts, params: dict, today: date, horizon: date) -> tuple[date, Finding] | None:
    """The first date after today and by the horizon on which the rule gives a finding for these facts, and that
    finding; None when it gives one today (a flag) or not before the horizon."""
    verdict = rule(facts, params, today)
    if verdict.finding is not None:
        return None
    day = verdict.next_on
    for _step in range(MAX_STEPS):
        if day is None or day <= today or day > horizon:
            return None
        later = rule(facts, params, day)
        if later.finding is not None:
            return day, later.finding
        day = later.next_on if later.next_on is not None and later.next_on > day else None
    return None


def candidates(projects, horizon: date):
    """The projects whose rules may change by the horizon: their next check date falls by it, or a rescan is owed
    (empty). The queryset is the user's (access-restricted) projects."""
    return projects.filter(Q(next_check_on__isnull=True) | Q(next_check_on__lte=horizon))


def coming_due(*, projects, today: date, days: int, rule_codes=None, rules=None) -> list[DueRow]:
    """Every (project, rule) of `projects` (a queryset, already restricted to the user) that crosses a threshold
    after today and within `days` days, sorted by date, project code and rule. A fixed number of queries whatever the
    number of rows: the rules (unless given), the facts (`load_facts`), the open flags."""
    with _gc_paused():  # as in a scan: the facts and rows hold no cycles, and the collector's passes cost a third
        return _coming_due(projects, today, days, rule_codes, rules)


def _coming_due(projects, today, days, rule_codes, rules):
    horizon = today + timedelta(days=days)
    if rules is None:
        rules = Rule.objects.filter(enabled=True, code__in=RULES).order_by("pk")
    rules = [rule for rule in rules if rule.enabled and rule.code in RULES]
    if rule_codes:
        rules = [rule for rule in rules if rule.code in rule_codes]
    if not rules:
        return []
    params = [(rule.code, rule.thresholds or {}) for rule in rules]
    report_params = next((p for code, p in params if code == "REPORT_MISSING"), {})
    scope = candidates(projects, horizon).order_by().values("pk")
    facts = load_facts(today, scope, int(report_params.get("periods", 2)) + 2, None, report_params)
    rows = []
    for project_id, (code, project_facts, _stored) in facts.items():
        terminated = project_facts.status == TERMINATED
        for rule_code, rule_params in params:
            if (rule_code in FOR_TERMINATED) != terminated:
                continue
            try:
                crossed = crossing_of(RULES[rule_code], project_facts, rule_params, today, horizon)
            except Exception:  # one project's bad data never stops the list (the scan records it as a failure)
                logger.exception("coming due: project %s, rule %s could not be evaluated", code, rule_code)
                continue
            if crossed is not None:
                day, finding = crossed
                row = DueRow(project_id, code, rule_code, day, (day - today).days, finding)
                if rule_code == "LAND_HOLDING_SIGNS":
                    row.extra["capital_share_pct"] = rule_params.get("capital_share_pct", 10)
                rows.append(row)
    flagged = set(
        Flag.objects.filter(cleared_at__isnull=True, project_id__in=scope, rule__code__in=[c for c, _p in params])
        .values_list("project_id", "rule__code")
    )
    rows = [row for row in rows if (row.project_id, row.rule_code) not in flagged]
    rows.sort(key=lambda row: (row.crossing, row.project_code, row.rule_code))
    return rows


def attach_projects(rows: list[DueRow], projects) -> None:
    """The project of each row (name, cluster, commune, investor), its last contact with the department and the
    warning letter sent for the row, for the rows shown or exported: a fixed number of queries (the projects, the
    violation notices, the unreachable records, the warning letters)."""
    ids = {row.project_id for row in rows}
    if not ids:
        return
    by_id = projects.filter(pk__in=ids).select_related("cluster", "cluster__commune", "investor").in_bulk()
    notices = dict(
        ViolationNotice.objects.filter(project_id__in=ids).order_by().values("project_id")
        .annotate(last=Max("notice_date")).values_list("project_id", "last")
    )
    reached = dict(
        UnreachableRecord.objects.filter(project_id__in=ids, resolved_on__isnull=False).order_by().values("project_id")
        .annotate(last=Max("resolved_on")).values_list("project_id", "last")
    )
    unreachable = dict(
        UnreachableRecord.objects.filter(project_id__in=ids, resolved_on__isnull=True).order_by().values("project_id")
        .annotate(first=Max("since")).values_list("project_id", "first")
    )
    warned, letters = {}, {}
    for project_id, code, crossing, sent_on in WarningLetter.objects.filter(project_id__in=ids).values_list(
            "project_id", "rule__code", "crossing_on", "sent_on"):
        key = (project_id, code, crossing)
        warned[key] = max(sent_on, warned.get(key, sent_on))
        letters[project_id] = max(sent_on, letters.get(project_id, sent_on))
    for row in rows:
        row.project = by_id.get(row.project_id)
        row.warned_on = warned.get((row.project_id, row.rule_code, row.crossing))
        contacts = []
        if row.project_id in notices:
            contacts.append((notices[row.project_id], _("violation notice")))
        if row.project_id in reached:
            contacts.append((reached[row.project_id], _("reached again")))
        if row.project_id in letters:
            contacts.append((letters[row.project_id], _("warning letter")))
        row.last_contact = max(contacts, key=lambda contact: contact[0]) if contacts else None
        row.unreachable_since = unreachable.get(row.project_id)


def _last_day(row: DueRow) -> str:
    return (row.crossing - timedelta(days=1)).strftime("%d/%m/%Y")


def _d(value) -> str:
    return date.fromisoformat(value).strftime("%d/%m/%Y") if value else "—"


def what_stops_it(row: DueRow) -> str:
    """What the investor (or the department) can do before the crossing date so that the threshold is not crossed,
    in a sentence, from the legal reading of the rule (docs/watchlist.md)."""
    try:
        return _what_stops_it(row)
    except (KeyError, TypeError, ValueError, IndexError):  # evidence of an unexpected shape: no advice, no 500
        return ""


def _what_stops_it(row: DueRow) -> str:
    e, last = row.finding.evidence, _last_day(row)
    code = row.rule_code
    if code == "LAND_UNUSED_12M":
        if row.finding.severity == "critical":
            return _("Start construction, or ask for the one land-use extension (up to 24 months), by %(date)s.") % {"date": last}
        return _("Start construction by %(date)s; the land has been unused since %(handover)s.") % {
            "date": last, "handover": _d(e.get("land_handover_date"))}
    if code == "LAND_DELAY_24M":
        return _("Complete construction by %(date)s; after that the investor may ask for one land-use extension of up "
                 "to 24 months.") % {"date": last}
    if code == "EXTENSION_EXPIRED":
        if e.get("clock") == "delay":
            return _("Complete construction before the land-use extension ends on %(date)s; there is no second "
                     "extension.") % {"date": _d(e.get("extension_end"))}
        return _("Start construction before the land-use extension ends on %(date)s; there is no second "
                 "extension.") % {"date": _d(e.get("extension_end"))}
    if code == "EXTENSION_NOT_REQUESTED":
        return _("Ask for a land-use extension by %(date)s (15 days after the violation notice of %(notice)s).") % {
            "date": _d(e["last_day_to_request"]), "notice": _d(e["notice_date"])}
    if code == "MILESTONE_OVERDUE":
        if row.finding.severity == "critical":
            return _("Start operation by %(date)s: after that the delay is a ground for terminating the project.") % {"date": last}
        due = [m for m in e["missed"] if m.get("effective_deadline") == (row.crossing - timedelta(days=1)).isoformat()]
        milestone = MILESTONE_NAMES[(due or e["missed"])[0]["milestone"]]
        return _("Reach the milestone (%(milestone)s) by %(date)s, or ask for a schedule adjustment before then.") % {
            "milestone": milestone, "date": last}
    if code == "SUSPENDED_12M":
        return _("Resume operations, or get back in touch with the department, by %(date)s.") % {"date": last}
    if code == "LAND_HOLDING_SIGNS":
        return _("Start construction and implement (and report) at least %(share)s %% of the registered capital by "
                 "%(date)s.") % {"share": row.extra.get("capital_share_pct", 10), "date": last}
    if code == "REPORT_MISSING":
        return _("Send the half-year report for %(period)s by %(date)s.") % {
            "period": period_words(e["missing_periods"][-1]), "date": _d(e["report_due"])}
    if code == "TERMINATED_LAND_24M":
        return _("Transfer the land or sell the assets attached to it by %(date)s.") % {"date": last}
    return ""


# The list's sort orders (`?o=`), each a key of a row; the default is the crossing date.
SORTS = {
    "crossing": lambda row: (row.crossing, row.project_code, row.rule_code),
    "-crossing": lambda row: (-row.crossing.toordinal(), row.project_code, row.rule_code),
    "project": lambda row: (row.project_code, row.crossing, row.rule_code),
    "-project": lambda row: row.project_code,  # with reverse=True below
    "rule": lambda row: (row.rule_code, row.crossing, row.project_code),
    "-rule": lambda row: row.rule_code,
}


def sort_rows(rows: list[DueRow], order: str) -> list[DueRow]:
    if order in ("-project", "-rule"):
        return sorted(rows, key=SORTS[order], reverse=True)
    return sorted(rows, key=SORTS.get(order) or SORTS["crossing"])


def counts_by_rule(rows: list[DueRow]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.rule_code] = counts.get(row.rule_code, 0) + 1
    return counts


MAX_LETTERS = 200  # letters in one file: a selection of the list's page at most


def parse_items(values) -> list[tuple[int, str]]:
    """`project_id:RULE_CODE` pairs from the list's check boxes; anything else is dropped."""
    items = []
    for value in values:
        pk, _sep, code = str(value).partition(":")
        if pk.isdigit() and code in RULES and (int(pk), code) not in items:
            items.append((int(pk), code))
    return items[:MAX_LETTERS]


def due_rows(*, user, items, today: date) -> list[DueRow]:
    """The coming-due rows of the chosen (project, rule) pairs that the user may see, within the longest window;
    a pair that is not (or no longer) coming due is left out."""
    if not items:
        return []
    projects = access.restrict(Project.objects.all(), user, "view").filter(pk__in={pk for pk, _code in items})
    wanted = set(items)
    rows = [row for row in coming_due(projects=projects, today=today, days=max(HORIZONS),
                                      rule_codes={code for _pk, code in items})
            if (row.project_id, row.rule_code) in wanted]
    attach_projects(rows, projects)
    return rows


def warning_letters_record(*, rows: list[DueRow], user, sent_on: date) -> list[WarningLetter]:
    """Record that the letters of these rows were sent (their project, rule and crossing date), by whom and when; the
    same letter recorded twice on one day is recorded once."""
    rules = {rule.code: rule for rule in Rule.objects.filter(code__in={row.rule_code for row in rows})}
    recorded = []
    with transaction.atomic():
        for row in rows:
            existing = WarningLetter.objects.filter(project_id=row.project_id, rule=rules[row.rule_code],
                                                    crossing_on=row.crossing, sent_on=sent_on).first()
            if existing is not None:
                recorded.append(existing)
                continue
            letter = WarningLetter(project_id=row.project_id, rule=rules[row.rule_code])
            recorded.append(model_save(letter, fields={"crossing_on": row.crossing, "sent_on": sent_on, "sent_by": user},
                                       user=user, change_reason=_("Warning letter sent")))
    return recorded
