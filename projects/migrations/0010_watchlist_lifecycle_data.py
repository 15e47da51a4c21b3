"""Give the records that existed before the land-clock lifecycle the dates it needs (issue "The watchlist, legally
right"), keeping every record:

- capital reports without a report date: the day they were recorded (the earliest the department can be said to
  have had them); their history rows too, so a scan of the past reads the same;
- land-use extensions: the clock they extend (the delay clock when construction had started by the extension's
  start, else the unused clock; a second one on the same clock takes the other clock) and a decision date (the
  review step that granted it, else its start);
- schedule adjustments: the deadlines they replaced, read from the project's history just before the adjustment
  was recorded (none found: the adjustment is taken to have replaced nothing);
- the status history: one change per change of status in the project's history, effective on the matching actual
  date where there is one (handover, construction start, operation, certificate), else on the day it was
  recorded; `Project.status_since` from it;
- the watchlist rules: REPORT_MISSING due on 20 June and 20 December; EXTENSION_NOT_REQUESTED critical (a ground);
  the new TERMINATED_LAND_24M (Decree 102/2024 Art. 35(2)).
"""
from django.db import migrations, models
from django.utils import timezone


def _local_date(moment):
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def report_dates(apps, schema_editor):
    for name in ("CapitalReport", "HistoricalCapitalReport"):
        model = apps.get_model("projects", name)
        for pk, created_at in model.objects.filter(report_date__isnull=True).values_list("pk", "created_at").iterator():
            model.objects.filter(pk=pk).update(report_date=_local_date(created_at))


def extension_clocks(apps, schema_editor):
    Extension = apps.get_model("projects", "LandUseExtension")
    HistoricalExtension = apps.get_model("projects", "HistoricalLandUseExtension")
    ReviewStep = apps.get_model("projects", "ReviewStep")
    decided = dict(ReviewStep.objects.filter(extension__isnull=False, letter_date__isnull=False)
                   .values_list("extension_id", "letter_date"))
    taken = set()
    for extension in Extension.objects.select_related("project").order_by("start_date", "pk"):
        started = extension.project.actual_construction_start
        clock = "delay" if started is not None and started <= extension.start_date else "unused"
        if (extension.project_id, clock) in taken:
            clock = "unused" if clock == "delay" else "delay"
        if (extension.project_id, clock) in taken:
            clock = ""  # a third extension of one project: kept, counted on no clock (outside the constraint)
        taken.add((extension.project_id, clock))
        decision_date = extension.decision_date or decided.get(extension.pk) or extension.start_date
        Extension.objects.filter(pk=extension.pk).update(clock=clock, decision_date=decision_date)
        HistoricalExtension.objects.filter(id=extension.pk).update(clock=clock, decision_date=decision_date)


DEADLINES = ("construction_start_deadline", "construction_completion_deadline", "operation_deadline")


def adjustment_previous_deadlines(apps, schema_editor):
    Adjustment = apps.get_model("projects", "ScheduleAdjustment")
    HistoricalAdjustment = apps.get_model("projects", "HistoricalScheduleAdjustment")
    HistoricalProject = apps.get_model("projects", "HistoricalProject")
    for adjustment in Adjustment.objects.order_by("created_at", "pk").iterator():
        before = (
            HistoricalProject.objects.filter(id=adjustment.project_id, history_date__lt=adjustment.created_at)
            .order_by("-history_date", "-history_id").values(*DEADLINES).first()
        )
        values = {}
        for name in DEADLINES:
            new = getattr(adjustment, f"new_{name}")
            values[f"previous_{name}"] = before[name] if before is not None else new
        Adjustment.objects.filter(pk=adjustment.pk).update(**values)
        HistoricalAdjustment.objects.filter(id=adjustment.pk).update(**values)


def _effective_on(status, row, recorded):
    natural = {
        "operating": row.get("actual_operation_start"),
        "under_construction": row.get("actual_construction_start"),
        "land_handed_over": row.get("land_handover_date"),
        "registered": row.get("irc_date") or row.get("policy_approval_date"),
    }.get(status)
    return natural or _local_date(recorded)


def status_history(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    HistoricalProject = apps.get_model("projects", "HistoricalProject")
    Change = apps.get_model("projects", "ProjectStatusChange")
    HistoricalChange = apps.get_model("projects", "HistoricalProjectStatusChange")
    fields = ("id", "status", "history_date", "history_user_id", "actual_operation_start", "actual_construction_start",
              "land_handover_date", "irc_date", "policy_approval_date")
    changes, last_status, seen_statuses, last_effective = [], {}, {}, {}
    for row in HistoricalProject.objects.order_by("id", "history_date", "history_id").values(*fields).iterator():
        if last_status.get(row["id"]) == row["status"]:
            continue
        last_status[row["id"]] = row["status"]
        # A status's own date (handover, start, operation, certificate) only the first time it is reached; a return
        # to it (resumed after a suspension) takes effect when recorded; and never before the change it follows.
        statuses = seen_statuses.setdefault(row["id"], set())
        if row["status"] in statuses:
            effective_on = _local_date(row["history_date"])
        else:
            effective_on = _effective_on(row["status"], row, row["history_date"])
        statuses.add(row["status"])
        previous = last_effective.get(row["id"])
        if previous is not None and effective_on < previous:
            effective_on = previous
        last_effective[row["id"]] = effective_on
        changes.append((row["id"], row["status"], effective_on, row["history_date"], row["history_user_id"]))
    seen = set(last_status)
    for project in Project.objects.exclude(pk__in=seen).values(*[f for f in fields if f not in ("history_date", "history_user_id")], "created_at").iterator():
        changes.append((project["id"], project["status"], _effective_on(project["status"], project, project["created_at"]),
                        project["created_at"], None))
    current = dict(Project.objects.values_list("pk", "status"))
    latest = {}
    for project_id, status, effective_on, recorded_at, user_id in changes:
        if project_id not in current:
            continue  # deleted since
        change = Change.objects.create(project_id=project_id, status=status, effective_on=effective_on,
                                       recorded_at=recorded_at, note="")
        HistoricalChange.objects.create(
            id=change.pk, project_id=project_id, status=status, effective_on=effective_on, recorded_at=recorded_at,
            decision_number="", note="", history_date=recorded_at, history_type="+", history_user_id=user_id,
            history_change_reason="",
        )
        if status == current[project_id]:
            previous = latest.get(project_id)
            if previous is None or (effective_on, recorded_at) >= previous:
                latest[project_id] = (effective_on, recorded_at)
    for project_id, (effective_on, _recorded) in latest.items():
        Project.objects.filter(pk=project_id).update(status_since=effective_on)


RULE_UPDATES = {
    "REPORT_MISSING": {
        "thresholds": {"periods": 2, "h1_due": "06-20", "h2_due": "12-20"},
        "description": "The last two half-year reports, due on 20 June and 20 December, were not received.",
        "legal_basis": "Luật Đầu tư 2020, Điều 72; Thông tư 14/2024/TT-BCT, Biểu 01 (hạn 20/6 và 20/12).",
    },
    "EXTENSION_NOT_REQUESTED": {
        "severity": "critical",
        "description": "A violation notice was sent and no extension was asked for within 15 days of it; a later "
        "request does not count. A ground for land recovery.",
    },
    "LAND_UNUSED_12M": {
        "description": "Land handed over on site but not put to use for 12 consecutive months: the extension window "
        "opens (not a ground for recovery by itself).",
    },
    "LAND_DELAY_24M": {
        "description": "Construction not finished 24 months after the construction-completion deadline: the "
        "extension window opens (not a ground for recovery by itself).",
    },
}

TERMINATED_RULE = {
    "code": "TERMINATED_LAND_24M",
    "name": "Dự án đã chấm dứt, quá 24 tháng chưa chuyển nhượng đất hoặc bán tài sản",
    "description": "The project was terminated and, 24 months later, the land has not been transferred nor the "
    "assets sold: the land is recovered without compensation.",
    "severity": "critical",
    "thresholds": {"months": 24},
    "legal_basis": "Nghị định 102/2024/NĐ-CP, khoản 2 Điều 35.",
}


def rules(apps, schema_editor):
    Rule = apps.get_model("projects", "Rule")
    for code, values in RULE_UPDATES.items():
        Rule.objects.filter(code=code).update(**values)
    Rule.objects.get_or_create(code=TERMINATED_RULE["code"], defaults=TERMINATED_RULE)


class Migration(migrations.Migration):
    dependencies = [("projects", "0009_watchlist_lifecycle")]

    operations = [
        migrations.RunPython(report_dates, migrations.RunPython.noop),
        migrations.RunPython(extension_clocks, migrations.RunPython.noop),
        migrations.RunPython(adjustment_previous_deadlines, migrations.RunPython.noop),
        migrations.RunPython(status_history, migrations.RunPython.noop),
        migrations.RunPython(rules, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="landuseextension",
            constraint=models.UniqueConstraint(
                fields=("project", "clock"),
                condition=~models.Q(clock=""),
                name="extension_one_per_clock",
                violation_error_message="This project already has its land-use extension for this clock: the Land Law allows one.",
            ),
        ),
    ]
