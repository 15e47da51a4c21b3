"""The benchmark's reference for the watchlist scan: one hand-written PostgreSQL query that evaluates every rule of
`projects.watchlist.rules` for every project, as of a date, and returns the findings (project, rule, severity,
since). It is what the scan would cost if it were a single SQL pass, so `benchmark_watchlist` prints the scan's
time as a multiple of it (issue 17). It is never used by the application: the rules in Python are the law's
reading (docs/watchlist.md); this query is checked to give the same findings as they do (`benchmark_watchlist`
compares every finding; `tests/projects/test_benchmark_reference.py` does so on the demo data and on cases
chosen for each rule).

What it reads is what `scans.load_facts` reads for today's scan: the status in force on the project row, the
deadlines in force (the row's, an adjustment decided after the date undone), the latest implemented capital on the
row, the records dated (decided, requested, noticed) by the date. It does not replay the history (`--as-of` a past
date, `--known-now`): the reference is for today's scan.

A clock's end with force majeure (`rules.clock_end`: the nominal end moved by the paused days inside the clock,
the moved days counted too) is computed in one ordered pass over the project's merged periods: a period pauses the
clock when it starts before the nominal end moved by the periods before it (periods are disjoint and sorted, so
once one does not, no later one does).
"""
from __future__ import annotations

from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from projects.watchlist.rules import RULES, _report_window

# Each rule's thresholds as the scan reads them: the defaults of `rules.py` when a threshold is not set.
DEFAULTS = {
    "LAND_UNUSED_12M": {"months": 12, "warning_from_month": 9},
    "LAND_DELAY_24M": {"months": 24},
    "EXTENSION_NOT_REQUESTED": {"days": 15},
    "MILESTONE_OVERDUE": {"escalate_months": 24},
    "ADJUSTMENT_CAP": {"amend_months": 12, "max_months": 24},
    "SUSPENDED_12M": {"months": 12},
    "LAND_HOLDING_SIGNS": {"capital_share_pct": 10},
    "TERMINATED_LAND_24M": {"months": 24},
}


def _ce(start: str, nominal: str, periods: str = "f.periods") -> str:
    """SQL for `rules.clock_end`: the clock started on `start` whose nominal end is `nominal`, moved by the days of
    the project's force-majeure periods (`periods`: merged, as an array of ranges) inside it."""
    return f"""(CASE WHEN {periods} IS NULL OR {start} IS NULL THEN {nominal} ELSE (
        SELECT {nominal} + coalesce(sum(x.days) FILTER (WHERE x.first < {nominal} + x.before), 0)::int
        FROM (SELECT greatest(lower(r), {start}) AS first, upper(r) - greatest(lower(r), {start}) AS days,
                     coalesce(sum(upper(r) - greatest(lower(r), {start})) OVER (
                         ORDER BY lower(r) ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::int AS before
              FROM unnest({periods}) AS r WHERE upper(r) > {start}) AS x) END)"""


def _months(day: str, months: str) -> str:
    """Calendar months, the day clamped at the month's end (PostgreSQL's date + interval does so)."""
    return f"({day} + make_interval(months => {months}))::date"


def _effective(deadline: str) -> str:
    """`rules._effective_deadline`: the deadline moved by the force-majeure days from the project's start to it."""
    start = f"least(coalesce(f.clock_start, {deadline}), {deadline})"
    return f"({_ce(start, f'({deadline} + 1)')} - 1)"


QUERY = f"""
WITH fm_raw AS (
    SELECT project_id, start_date AS s, end_date AS e,
           max(end_date) OVER (PARTITION BY project_id ORDER BY start_date, end_date
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_end
    FROM projects_forcemajeureperiod WHERE start_date <= %(as_of)s
), fm_islands AS (
    SELECT project_id, s, e,
           sum(CASE WHEN previous_end IS NOT NULL AND s <= previous_end + 1 THEN 0 ELSE 1 END)
               OVER (PARTITION BY project_id ORDER BY s, e) AS island
    FROM fm_raw
), fm AS (
    SELECT project_id, array_agg(daterange(s, e, '[]') ORDER BY s) AS periods
    FROM (SELECT project_id, min(s) AS s, max(e) AS e FROM fm_islands GROUP BY project_id, island) AS merged
    GROUP BY project_id
), ext AS (
    SELECT project_id,
           array_agg(requested_on) FILTER (WHERE requested_on <= %(as_of)s) AS requested,
           max(start_date) FILTER (WHERE clock = 'unused') AS u_start, max(end_date) FILTER (WHERE clock = 'unused') AS u_end,
           max(coalesce(decision_date, start_date)) FILTER (WHERE clock = 'unused') AS u_decided,
           max(start_date) FILTER (WHERE clock = 'delay') AS d_start, max(end_date) FILTER (WHERE clock = 'delay') AS d_end,
           max(coalesce(decision_date, start_date)) FILTER (WHERE clock = 'delay') AS d_decided
    FROM projects_landuseextension
    WHERE decision_date <= %(as_of)s OR (decision_date IS NULL AND start_date <= %(as_of)s)
    GROUP BY project_id
), adj AS (
    SELECT project_id, min(decision_date) FILTER (WHERE total > %(amend)s) AS amend_on,
           min(decision_date) FILTER (WHERE total > %(max)s) AS max_on, max(total) AS total
    FROM (SELECT project_id, decision_date,
                 sum(months_added) OVER (PARTITION BY project_id ORDER BY decision_date, months_added
                                         ROWS UNBOUNDED PRECEDING) AS total
          FROM projects_scheduleadjustment WHERE decision_date <= %(as_of)s) AS running
    GROUP BY project_id
), undone AS (
    -- The deadlines in force on the date: an adjustment decided after it is undone, the earliest of them giving back
    -- each deadline it replaced (scans._deadlines_on).
    SELECT project_id,
           bool_or(new_construction_start_deadline IS NOT NULL) AS start_undone,
           (array_agg(previous_construction_start_deadline ORDER BY decision_date, id)
                FILTER (WHERE new_construction_start_deadline IS NOT NULL))[1] AS start_dl,
           bool_or(new_construction_completion_deadline IS NOT NULL) AS completion_undone,
           (array_agg(previous_construction_completion_deadline ORDER BY decision_date, id)
                FILTER (WHERE new_construction_completion_deadline IS NOT NULL))[1] AS completion_dl,
           bool_or(new_operation_deadline IS NOT NULL) AS operation_undone,
           (array_agg(previous_operation_deadline ORDER BY decision_date, id)
                FILTER (WHERE new_operation_deadline IS NOT NULL))[1] AS operation_dl
    FROM projects_scheduleadjustment WHERE decision_date > %(as_of)s
    GROUP BY project_id
), facts AS MATERIALIZED (
    SELECT p.id, p.status, p.status_since, p.registered_capital_vnd AS capital, p.latest_implemented_vnd AS implemented,
           coalesce(p.irc_date, p.policy_approval_date) AS clock_start,
           (p.policy_approval_date <= %(as_of)s OR (p.policy_approval_number <> '' AND p.policy_approval_date IS NULL))
               AS has_policy,
           CASE WHEN p.land_handover_date <= %(as_of)s THEN p.land_handover_date END AS handover,
           CASE WHEN u.start_undone THEN u.start_dl ELSE p.construction_start_deadline END AS start_dl,
           CASE WHEN u.completion_undone THEN u.completion_dl ELSE p.construction_completion_deadline END AS completion_dl,
           CASE WHEN u.operation_undone THEN u.operation_dl ELSE p.operation_deadline END AS operation_dl,
           CASE WHEN p.actual_construction_start <= %(as_of)s THEN p.actual_construction_start END AS started,
           CASE WHEN p.actual_completion <= %(as_of)s THEN p.actual_completion END AS completed,
           p.actual_operation_start <= %(as_of)s AS operating,
           p.land_recovered_on <= %(as_of)s OR p.land_transferred_on <= %(as_of)s AS land_gone,
           fm.periods,
           ext.requested, ext.u_start, ext.u_end, ext.u_decided, ext.d_start, ext.d_end, ext.d_decided,
           adj.amend_on, adj.max_on, adj.total IS NOT NULL AS adjusted
    FROM projects_project AS p
    LEFT JOIN fm ON fm.project_id = p.id
    LEFT JOIN ext ON ext.project_id = p.id
    LEFT JOIN adj ON adj.project_id = p.id
    LEFT JOIN undone AS u ON u.project_id = p.id
), clocks AS MATERIALIZED (
    SELECT f.*, a.*, b.*
    FROM facts AS f
    CROSS JOIN LATERAL (SELECT
        f.handover IS NOT NULL AND f.operating IS NOT TRUE AND f.started IS NULL AS unused_runs,
        f.handover IS NOT NULL AND f.operating IS NOT TRUE AND f.completion_dl IS NOT NULL AND f.completed IS NULL
            AS delay_runs,
        {_ce("f.handover", _months("f.handover", "%(unused_warn)s - 1"))} AS unused_warning,
        {_ce("f.handover", _months("f.handover", "%(unused_months)s"))} AS unused_param,
        {_ce("f.handover", _months("f.handover", "12"))} AS unused_reached,
        {_effective("f.start_dl")} AS start_eff,
        {_effective("f.completion_dl")} AS completion_eff,
        {_effective("f.operation_dl")} AS operation_eff,
        {_ce("f.u_start", "(f.u_end + 1)")} AS u_expires,
        {_ce("f.d_start", "(f.d_end + 1)")} AS d_expires,
        {_ce("f.status_since", _months("f.status_since", "%(suspended_months)s"))} AS suspended_at,
        {_ce("f.status_since", _months("f.status_since", "%(terminated_months)s"))} AS terminated_at
    ) AS a
    CROSS JOIN LATERAL (SELECT
        {_ce("a.completion_eff", _months("a.completion_eff", "%(delay_months)s"))} AS delay_param,
        {_ce("a.completion_eff", _months("a.completion_eff", "24"))} AS delay_reached,
        {_ce("a.operation_eff", _months("a.operation_eff", "%(escalate_months)s"))} AS escalate_at
    ) AS b
    WHERE f.status <> 'terminated' OR %(terminated_rule)s
), live AS MATERIALIZED (
    SELECT * FROM clocks WHERE status <> 'terminated' AND operating IS NOT TRUE
), milestones AS (
    SELECT id, escalate_at, unused_runs, unused_reached, delay_runs, delay_reached, adjusted,
           min(eff) FILTER (WHERE %(as_of)s > eff) AS first_missed,
           bool_or(name = 'operation' AND %(as_of)s > eff) AS operation_missed
    FROM live CROSS JOIN LATERAL (VALUES ('construction_start', start_dl, started, start_eff),
                                         ('construction_completion', completion_dl, completed, completion_eff),
                                         ('operation', operation_dl, NULL::date, operation_eff)) AS m(name, deadline, actual, eff)
    WHERE deadline IS NOT NULL AND actual IS NULL
    GROUP BY id, escalate_at, unused_runs, unused_reached, delay_runs, delay_reached, adjusted
), notices AS (
    SELECT l.id, n.notice_date, last_day
    FROM live AS l
    JOIN projects_violationnotice AS n ON n.project_id = l.id AND n.notice_date <= %(as_of)s
    CROSS JOIN LATERAL (SELECT {_ce("(n.notice_date + 1)", "(n.notice_date + 1 + %(notice_days)s)", "l.periods")} - 1 AS last_day) AS d
    WHERE (l.unused_runs OR (l.delay_runs AND l.delay_reached <= %(as_of)s))
      AND %(as_of)s > last_day
      AND (CASE WHEN n.extension_requested_on <= %(as_of)s THEN n.extension_requested_on END
               BETWEEN n.notice_date AND last_day) IS NOT TRUE
      AND NOT EXISTS (SELECT 1 FROM unnest(l.requested) AS asked WHERE asked BETWEEN n.notice_date AND last_day)
      AND NOT EXISTS (
          SELECT 1 FROM projects_landuseextension AS e
          CROSS JOIN LATERAL (SELECT {_ce("e.start_date", "(e.end_date + 1)", "l.periods")} AS expires) AS x
          WHERE e.project_id = l.id
            AND (e.decision_date <= %(as_of)s OR (e.decision_date IS NULL AND e.start_date <= %(as_of)s))
            AND coalesce(e.decision_date, e.start_date) <= n.notice_date AND n.notice_date < x.expires)
)
SELECT id, 'LAND_UNUSED_12M', CASE WHEN u_start IS NOT NULL THEN 'info' WHEN %(as_of)s >= unused_param THEN 'critical'
                                   ELSE 'warning' END,
       CASE WHEN u_start IS NOT NULL THEN least(u_start, u_decided) WHEN %(as_of)s >= unused_param THEN unused_param
            ELSE unused_warning END
FROM live
WHERE %(rule_unused)s AND unused_runs
  AND (CASE WHEN u_start IS NOT NULL THEN %(as_of)s < u_expires ELSE %(as_of)s >= least(unused_warning, unused_param) END)
UNION ALL
SELECT id, 'LAND_DELAY_24M', CASE WHEN d_start IS NOT NULL THEN 'info' ELSE 'critical' END,
       CASE WHEN d_start IS NOT NULL THEN least(d_start, d_decided) ELSE delay_param END
FROM live
WHERE %(rule_delay)s AND delay_runs
  AND (CASE WHEN d_start IS NOT NULL THEN %(as_of)s < d_expires ELSE %(as_of)s >= delay_param END)
UNION ALL
(SELECT DISTINCT ON (id) id, 'EXTENSION_EXPIRED', 'critical', c.expires
 FROM live CROSS JOIN LATERAL (VALUES (unused_runs, unused_reached, u_start, u_end, u_expires),
                                      (delay_runs, delay_reached, d_start, d_end, d_expires)) AS c(runs, reached, first, last, expires)
 WHERE %(rule_expired)s AND c.first IS NOT NULL AND c.runs AND c.reached <= %(as_of)s AND %(as_of)s >= c.expires
 ORDER BY id, c.last)
UNION ALL
(SELECT DISTINCT ON (id) id, 'EXTENSION_NOT_REQUESTED', 'critical', last_day + 1
 FROM notices WHERE %(rule_not_requested)s ORDER BY id, notice_date)
UNION ALL
SELECT id, 'MILESTONE_OVERDUE',
       CASE WHEN operation_missed AND %(as_of)s >= escalate_at AND NOT adjusted
                 AND NOT coalesce(unused_runs AND unused_reached <= %(as_of)s, false)
                 AND NOT coalesce(delay_runs AND delay_reached <= %(as_of)s, false)
            THEN 'critical' ELSE 'warning' END,
       CASE WHEN operation_missed AND %(as_of)s >= escalate_at AND NOT adjusted
                 AND NOT coalesce(unused_runs AND unused_reached <= %(as_of)s, false)
                 AND NOT coalesce(delay_runs AND delay_reached <= %(as_of)s, false)
            THEN escalate_at ELSE first_missed + 1 END
FROM milestones WHERE %(rule_milestone)s AND first_missed IS NOT NULL
UNION ALL
SELECT id, 'ADJUSTMENT_CAP', CASE WHEN max_on IS NOT NULL THEN 'critical' ELSE 'warning' END, coalesce(max_on, amend_on)
FROM live WHERE %(rule_cap)s AND has_policy AND coalesce(max_on, amend_on) IS NOT NULL
UNION ALL
SELECT l.id, 'SUSPENDED_12M', 'critical', greatest(l.suspended_at, u.since)
FROM clocks AS l
JOIN (SELECT project_id, min(since) AS since FROM projects_unreachablerecord
      WHERE since <= %(as_of)s AND (resolved_on IS NULL OR resolved_on > %(as_of)s) GROUP BY project_id) AS u
  ON u.project_id = l.id
WHERE %(rule_suspended)s AND l.status = 'suspended' AND l.status_since IS NOT NULL AND %(as_of)s >= l.suspended_at
UNION ALL
SELECT id, 'LAND_HOLDING_SIGNS', 'warning', least(low_capital, transfer)
FROM (SELECT l.id,
             CASE WHEN l.handover IS NOT NULL AND l.start_dl IS NOT NULL AND l.capital <> 0
                       AND coalesce(l.implemented, 0) * 100.0 / l.capital < %(capital_share)s AND %(as_of)s > l.start_eff
                  THEN greatest(l.start_eff + 1, l.handover) END AS low_capital,
             (SELECT min(request_date) FROM projects_transferrequest AS t
              WHERE t.project_id = l.id AND t.request_date <= %(as_of)s) AS transfer
      FROM live AS l) AS signs
WHERE %(rule_holding)s AND (low_capital IS NOT NULL OR transfer IS NOT NULL)
UNION ALL
SELECT id, 'REPORT_MISSING', 'info', %(report_since)s::date
FROM clocks AS l
WHERE %(rule_report)s AND l.status <> 'terminated' AND l.clock_start <= %(report_oldest)s
  AND NOT EXISTS (
      SELECT 1 FROM projects_capitalreport AS r
      WHERE r.project_id = l.id AND r.report_date <= %(as_of)s AND r.year >= %(report_year)s
        AND (r.year, CASE WHEN r.period IN ('Q1', 'Q2', 'H1') THEN 1 WHEN r.period IN ('Q3', 'Q4', 'H2') THEN 2 END)
            IN (SELECT year, half FROM unnest(%(report_years)s::int[], %(report_halves)s::int[]) AS h(year, half))
         OR r.project_id = l.id AND r.report_date <= %(as_of)s AND r.period = 'Y' AND r.year = ANY(%(report_years)s::int[]))
UNION ALL
SELECT id, 'TERMINATED_LAND_24M', 'critical', terminated_at
FROM clocks
WHERE %(terminated_rule)s AND status = 'terminated' AND status_since IS NOT NULL AND handover IS NOT NULL
  AND land_gone IS NOT TRUE AND %(as_of)s >= terminated_at
"""

FLAGS = {
    "LAND_UNUSED_12M": "rule_unused", "LAND_DELAY_24M": "rule_delay", "EXTENSION_EXPIRED": "rule_expired",
    "EXTENSION_NOT_REQUESTED": "rule_not_requested", "MILESTONE_OVERDUE": "rule_milestone",
    "ADJUSTMENT_CAP": "rule_cap", "SUSPENDED_12M": "rule_suspended", "LAND_HOLDING_SIGNS": "rule_holding",
    "REPORT_MISSING": "rule_report", "TERMINATED_LAND_24M": "terminated_rule",
}
assert set(FLAGS) == set(RULES), "the reference must evaluate every rule"


def parameters(as_of: date, rules: list[tuple[str, dict]]) -> dict:
    """The query's parameters for the enabled rules [(code, thresholds)], as the scan reads them."""
    enabled = {code: {**DEFAULTS.get(code, {}), **(params or {})} for code, params in rules}
    get = lambda code, key: enabled.get(code, DEFAULTS.get(code, {})).get(key)  # noqa: E731
    report = enabled.get("REPORT_MISSING", {})
    halves, oldest_start, latest_due, _next = _report_window(as_of, tuple(sorted(report.items())))
    values = {flag: code in enabled for code, flag in FLAGS.items()}
    values.update(
        as_of=as_of,
        # A clock of 0 months is read as the law's (rules.clock_reached_on: `months or 12`, `months or 24`).
        unused_months=get("LAND_UNUSED_12M", "months") or 12, unused_warn=get("LAND_UNUSED_12M", "warning_from_month"),
        delay_months=get("LAND_DELAY_24M", "months") or 24, notice_days=get("EXTENSION_NOT_REQUESTED", "days"),
        escalate_months=get("MILESTONE_OVERDUE", "escalate_months"),
        amend=get("ADJUSTMENT_CAP", "amend_months"), max=get("ADJUSTMENT_CAP", "max_months"),
        suspended_months=get("SUSPENDED_12M", "months"), capital_share=get("LAND_HOLDING_SIGNS", "capital_share_pct"),
        terminated_months=get("TERMINATED_LAND_24M", "months"),
        report_since=latest_due + timedelta(days=1), report_oldest=oldest_start,
        report_year=min(year for year, _half in halves),
        report_years=[year for year, _half in halves], report_halves=[half for _year, half in halves],
    )
    return values


def findings(as_of: date, rules: list[tuple[str, dict]]) -> set[tuple[int, str, str, date]]:
    """{(project id, rule code, severity, since)} as of the date, in one query (PostgreSQL only). Today or later
    only: a past date's facts are the history's (the status then, the reports received by then), which the query
    does not read."""
    if as_of < timezone.localdate():
        raise ValueError("The reference evaluates today's facts: give today's date or a later one.")
    with transaction.atomic(), connection.cursor() as cursor:
        # Without PostgreSQL's JIT: compiling this plan's expressions costs about 0.4 s, more than the query itself
        # at 10,000 projects. The reference is the best case of one SQL pass.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(QUERY, parameters(as_of, rules))
        return {(pk, code, severity, since) for pk, code, severity, since in cursor.fetchall()}
