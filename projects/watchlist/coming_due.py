"""What is coming due: the projects that will cross a legal threshold in the next N days if nothing happens, derived
from the rules themselves (docs/watchlist.md, "Coming due"), never from a second copy of the thresholds.

Every rule says, beside its finding, the next date its answer could change (`Verdict.next_on`). A rule that gives no
finding today is evaluated again as of that date, and so on (`rules.crossing_after`): the first date on which it then
gives a finding is the date the (project, rule) comes due. The scan does this for every project it evaluates as of
today and stores the answer (`Deadline`, `scans._store_deadlines`), a few years ahead, not only 90 days: a project is
rescanned when its next check comes or its data changes, so a crossing must already be stored when it comes within the
window. The list, its export, the letters and the digest read that table (`due_deadlines`): a fixed number of SQL
queries whatever the number of projects. `coming_due` computes the same answer live from the facts, as a scan would
(the reference the stored table is tested against).

A rule that is a finding today is a flag, not something coming due; a (project, rule) with an open flag is left out
too.
"""
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from projects.models import Deadline, Flag, Project, Rule, UnreachableRecord, ViolationNotice, WarningLetter
from projects.watchlist.rules import (
    FOR_TERMINATED, MILESTONE_NAMES, RULES, TERMINATED, Finding, crossing_after, period_words,
)
from projects.watchlist.scans import _gc_paused, load_facts
from tracker import access
from tracker.services import model_save

logger = logging.getLogger(__name__)

HORIZONS = (30, 60, 90)  # the windows offered on the page, in days
DEFAULT_HORIZON = 90


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
    day, finding, _pending = crossing_after(rule, facts, params, today, verdict, horizon)
    return None if day is None else (day, finding)


def candidates(projects, horizon: date):
    """The projects whose rules may change by the horizon: their next check date falls by it, or a rescan is owed
    (empty). The queryset is the user's (access-restricted) projects."""
    return projects.filter(Q(next_check_on__isnull=True) | Q(next_check_on__lte=horizon))


def coming_due(*, projects, today: date, days: int, rule_codes=None, rules=None) -> list[DueRow]:
    """Computed live from the facts: every (project, rule) of `projects` (a queryset, already restricted to the
    user) that crosses a threshold after today and within `days` days, sorted by date, project code and rule. What
    the scan stores (`due_deadlines`) must be the same; this is the reference it is tested against."""
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
                _extra(row, rule_params)
                rows.append(row)
    flagged = set(
        Flag.objects.filter(cleared_at__isnull=True, project_id__in=scope, rule__code__in=[c for c, _p in params])
        .values_list("project_id", "rule__code")
    )
    rows = [row for row in rows if (row.project_id, row.rule_code) not in flagged]
    rows.sort(key=lambda row: (row.crossing, row.project_code, row.rule_code))
    return rows


def _extra(row: DueRow, params: dict) -> None:
    if row.rule_code == "LAND_HOLDING_SIGNS":
        row.extra["capital_share_pct"] = params.get("capital_share_pct", 10)


# ---- The stored dates: what the page, the export, the letters and the digest read --------------------------------

# The list's sort orders (`?o=`), each an SQL ordering; the default is the crossing date.
# The project's code is the copy on the row (`Deadline.project_code`): choosing a page reads no project.
SORTS = {
    "crossing": ("crossing", "project_code", "rule__code"),
    "-crossing": ("-crossing", "project_code", "rule__code"),
    "project": ("project_code", "crossing", "rule__code"),
    "-project": ("-project_code", "crossing", "rule__code"),
    "rule": ("rule__code", "crossing", "project_code"),
    "-rule": ("-rule__code", "crossing", "project_code"),
}


def due_deadlines(*, user, today: date, days: int, rule_codes=None, commune=None, order: str = "crossing"):
    """The stored coming dates the user may see (a commune officer: their communes) that fall after today and within
    `days` days, of the enabled rules, without the (project, rule) pairs that have an open flag, sorted in SQL: a
    queryset, which the page paginates and `due_rows_of` turns into DueRows. It reads the Deadline table alone (and
    the rules and open flags): the commune (the officer's scope, the filter) and the project's code (the sort) are
    copies on the row, so a page, even the last, is chosen without touching the projects; `due_rows_of` then reads
    the projects of that page only."""
    queryset = access.restrict(Deadline.objects.all(), user, "view", permission_of=Project).filter(
        crossing__gt=today, crossing__lte=today + timedelta(days=days), rule__enabled=True,
    )
    if rule_codes:
        queryset = queryset.filter(rule__code__in=rule_codes)
    if commune is not None:
        queryset = queryset.filter(commune=commune)
    open_flag = Flag.objects.filter(project_id=OuterRef("project_id"), rule_id=OuterRef("rule_id"), cleared_at__isnull=True)
    return queryset.filter(~Exists(open_flag)).order_by(*SORTS.get(order) or SORTS["crossing"])


def due_counts(deadlines) -> dict[str, int]:
    """{rule code: rows} of a `due_deadlines` queryset: one GROUP BY query (COUNT(*): the table's index on the date,
    rule and project answers it without reading the rows)."""
    return dict(deadlines.order_by().values("rule__code").annotate(n=Count("*")).values_list("rule__code", "n"))


def due_rows_of(deadlines, today: date) -> list[DueRow]:
    """DueRows of stored coming dates (a `due_deadlines` queryset or a page of one), their projects (name, cluster,
    commune, investor) and rules read in the same query: the rows are chosen (filtered, sorted, the page's slice) on
    the Deadline table alone in a subquery, and only the chosen ones are joined to their projects."""
    if isinstance(deadlines, QuerySet):
        deadlines = (Deadline.objects.filter(pk__in=deadlines.values("pk"))
                     .select_related("project__cluster__commune", "project__investor", "rule")
                     .order_by(*deadlines.query.order_by))
    rows = []
    for deadline in deadlines:
        code = deadline.rule.code
        row = DueRow(deadline.project_id, deadline.project.code, code, deadline.crossing,
                     (deadline.crossing - today).days,
                     Finding(deadline.severity, deadline.crossing, deadline.evidence, deadline.ground),
                     project=deadline.project)
        _extra(row, deadline.rule.thresholds or {})
        rows.append(row)
    return rows


def attach_projects(rows: list[DueRow], projects=None) -> None:
    """The project of each row (name, cluster, commune, investor) unless it has it (`due_rows_of`), its last contact
    with the department and the warning letter sent for the row, for the rows shown or exported: a fixed number of
    queries (the projects when asked, the violation notices, the unreachable records (2), the warning letters)."""
    ids = {row.project_id for row in rows}
    if not ids:
        return
    by_id = {}
    if projects is not None:
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
        if projects is not None:
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
    wanted = set(items)
    deadlines = due_deadlines(user=user, today=today, days=max(HORIZONS), rule_codes={code for _pk, code in items}).filter(
        project_id__in={pk for pk, _code in items})
    rows = [row for row in due_rows_of(deadlines, today) if (row.project_id, row.rule_code) in wanted]
    attach_projects(rows)
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
