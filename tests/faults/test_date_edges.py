"""Every date the tracker accepts, at the edges of its window (tracker.dates): the first and the last day are
accepted and saved as typed, the day before and the day after are refused with the Vietnamese message and the
input kept, never a 500; and a full watchlist scan over the saved edge dates succeeds.

The date fields are discovered (every model DateField, every form's and filter's date field, every import date
column); a date field that appears and is not covered here fails `test_every_date_field_is_covered`."""
import importlib
import re
from datetime import date, timedelta

import django_filters
import pytest
from django import forms as django_forms
from django.apps import apps
from django.db import models
from django.urls import reverse

from projects.imports.engine import run_import
from projects.imports.specs import KINDS
from projects.models import (
    CapitalReport,
    Flag,
    ForceMajeurePeriod,
    LandUseExtension,
    Project,
    ProjectStatusChange,
    ReviewStep,
    ScheduleAdjustment,
    TransferRequest,
    UnreachableRecord,
    ViolationNotice,
)
from projects.watchlist.scans import run_scan
from tests.faults.pages import main_form
from tests.projects.test_imports import project_row, projects_file, workbook
from tracker.dates import date_window

WINDOW = "Ngày phải nằm trong khoảng"
EARLIEST, LATEST = date_window()
EDGES = [(EARLIEST - timedelta(days=1), False), (EARLIEST, True), (LATEST, True), (LATEST + timedelta(days=1), False)]
TYPED = "%d/%m/%Y"

# Dates no one types: the tracker sets them (a scan, the status service, the period of a report, an adjustment's
# record of the deadlines it replaced).
NOT_TYPED = {
    "projects.Project.status_since", "projects.Project.next_check_on", "projects.CapitalReport.period_end",
    "projects.ScheduleAdjustment.previous_construction_start_deadline",
    "projects.ScheduleAdjustment.previous_construction_completion_deadline",
    "projects.ScheduleAdjustment.previous_operation_deadline", "projects.Flag.since", "projects.Scan.as_of",
    "projects.Publication.published_on",  # the day a leader approves a public list
    # A warning letter's crossing date comes from the rules, its sending day is the day staff record it.
    "projects.WarningLetter.crossing_on", "projects.WarningLetter.sent_on",
    "projects.Deadline.crossing",  # the date a rule will hold, computed and stored by the scan
}
# A date typed under another name: the project form's "status effective on" is the status history's day; a review
# step's dates become the extension's decision, request and payment day when it grants one.
TYPED_AS = {
    "projects.ProjectStatusChange.effective_on": "ProjectForm.status_effective_on",
    "projects.ReviewStep.letter_date": "ReviewStepForm.letter_date",
    "projects.ReviewStep.due_date": "ReviewStepForm.due_date",
}

# --- the forms: (form, field) → where it is posted and how its other dates are kept consistent --------------------

PROJECT_DATES = ["policy_approval_date", "irc_date", "sublease_contract_date", "land_handover_date",
                 "construction_start_deadline", "construction_completion_deadline", "operation_deadline",
                 "actual_construction_start", "actual_completion", "actual_operation_start", "land_recovered_on",
                 "land_transferred_on", "status_effective_on"]


ADJUSTMENT_DATES = ["decision_date", "new_construction_start_deadline", "new_construction_completion_deadline",
                    "new_operation_deadline"]


def _record(kind, model, **values):
    def make(project):
        record = model.objects.create(project=project, **values)
        return reverse("projects:record_update", args=[project.pk, kind, record.pk]), record
    return make


# form name → (url maker: project → (url, object to read back), {field: {other field: value or callable(day)}})
RECORD_CASES = {
    "CapitalReportForm": (_record("reports", CapitalReport, year=2024, period="H1", period_end=date(2024, 6, 30),
                                  implemented_capital_vnd=10**9), {"report_date": {}}),
    "LandUseExtensionForm": (
        _record("extensions", LandUseExtension, start_date=date(2025, 1, 1), end_date=date(2025, 12, 31)),
        {"start_date": {"end_date": lambda d: min(d + timedelta(days=365), LATEST) if d <= LATEST else LATEST},
         "end_date": {"start_date": lambda d: max(d - timedelta(days=365), EARLIEST) if d >= EARLIEST else EARLIEST},
         "decision_date": {"requested_on": ""}, "requested_on": {"decision_date": ""}, "payment_due_date": {}}),
    "ForceMajeurePeriodForm": (
        _record("force-majeure", ForceMajeurePeriod, start_date=date(2025, 1, 1), end_date=date(2025, 2, 1),
                reason="Lũ"),
        {"start_date": {"end_date": LATEST}, "end_date": {"start_date": EARLIEST}}),
    "ViolationNoticeForm": (
        _record("notices", ViolationNotice, number="TB-1", notice_date=date(2025, 1, 1)),
        {"notice_date": {"extension_requested_on": ""}, "extension_requested_on": {"notice_date": EARLIEST}}),
    "TransferRequestForm": (_record("transfers", TransferRequest, request_date=date(2025, 1, 1)),
                            {"request_date": {}}),
    "UnreachableRecordForm": (_record("unreachable", UnreachableRecord, since=date(2025, 1, 1)),
                              {"since": {"resolved_on": ""}, "resolved_on": {"since": EARLIEST}}),
}
# Pairs the rules make impossible at one edge: an extension ends after it starts, so it cannot start on the last
# day of the window nor end on the first; there only the window's message is looked for (absent).
# So is a status taking effect in the future (the project form refuses it, and the import likewise).
IMPOSSIBLE = {("LandUseExtensionForm", "start_date", LATEST), ("LandUseExtensionForm", "end_date", EARLIEST),
              ("ProjectForm", "status_effective_on", LATEST), ("import", "status_effective_on", LATEST)}


def _value(value, day):
    if callable(value):
        value = value(day)
    return value.strftime(TYPED) if isinstance(value, date) else value


def _post_edge(client, url, form_html_url, fields: dict, day):
    """Post the page's own form with `fields` changed; returns the response."""
    page = client.get(form_html_url)
    assert page.status_code == 200, form_html_url
    data = main_form(page.content.decode()).values()
    data.update({name: [_value(value, day)] for name, value in fields.items()})
    return client.post(url, data)


def _check(response, day, inside, where, problems, saved=None):
    html = response.content.decode()
    typed = day.strftime(TYPED)
    if response.status_code >= 500:
        problems.append(f"{where} {typed}: {response.status_code}")
    elif inside:
        if response.status_code != 302:
            errors = re.findall(r'class="(?:invalid-feedback[^"]*|alert[^"]*)"[^>]*>(.*?)</div>', html, re.S)
            problems.append(f"{where} {typed}: refused: {[e.strip()[:150] for e in errors]}")
        elif saved is not None and saved() != day:
            problems.append(f"{where} {typed}: saved as {saved()}")
    elif response.status_code != 200 or WINDOW not in html or typed not in html:
        problems.append(f"{where} {typed}: not refused with the message and the input kept ({response.status_code})")


@pytest.fixture
def staff(make_user, client):
    client.force_login(make_user("chuyenvien", "staff"))
    return client


def test_every_form_date_at_the_edges_of_the_window(staff, make_project, cluster):
    problems = []
    # The project form, on its edit page; the other dates of the form emptied, so only the window decides.
    # Its status in force since the window's first day, so that a change of status may take effect that day.
    project = make_project(code="DA-EDGE", irc_date=None, status_on=EARLIEST)
    url = reverse("projects:update", args=[project.pk])
    for name in PROJECT_DATES:
        for day, inside in EDGES:
            fields = {other: "" for other in PROJECT_DATES}
            fields[name] = day
            if name == "status_effective_on":
                fields["status"] = "suspended" if Project.objects.get(pk=project.pk).status != "suspended" else "registered"

            def saved(name=name):
                if name == "status_effective_on":
                    return project.status_changes.order_by("-recorded_at", "-pk").first().effective_on
                return getattr(Project.objects.get(pk=project.pk), name)
            response = _post_edge(staff, url, url, fields, day)
            if ("ProjectForm", name, day) in IMPOSSIBLE:
                assert WINDOW not in response.content.decode() and response.status_code == 200
                continue
            _check(response, day, inside, f"ProjectForm.{name}", problems, saved)
    # The cluster form.
    for name, others in (("establishment_date", {"detailed_plan_date": ""}), ("detailed_plan_date", {})):
        url = reverse("clusters:update", args=[cluster.pk])
        for day, inside in EDGES:
            _check(_post_edge(staff, url, url, {name: day, **others}, day), day, inside, f"ClusterForm.{name}",
                   problems, lambda name=name: getattr(type(cluster).objects.get(pk=cluster.pk), name))
    # The records of a project, on the edit page of a record.
    for form_name, (make, cases) in RECORD_CASES.items():
        for name, others in cases.items():
            url, record = make(make_project())
            for day, inside in EDGES:
                response = _post_edge(staff, url, url, {name: day, **others}, day)
                if (form_name, name, day) in IMPOSSIBLE:
                    assert WINDOW not in response.content.decode() and response.status_code == 200
                    continue
                _check(response, day, inside, f"{form_name}.{name}", problems,
                       lambda record=record, name=name: getattr(type(record).objects.get(pk=record.pk), name))
    # A schedule adjustment is recorded once (never edited): a new project for each date.
    for name in ADJUSTMENT_DATES:
        for day, inside in EDGES:
            target = make_project()
            url = reverse("projects:record_create", args=[target.pk, "adjustments"])
            fields = {"decision_number": "QĐ-1", "months_added": "6", "reason": "Gia hạn",
                      **{other: "" for other in ADJUSTMENT_DATES}, "decision_date": EARLIEST, name: day}
            _check(_post_edge(staff, url, url, fields, day), day, inside, f"ScheduleAdjustmentForm.{name}", problems,
                   lambda target=target, name=name: getattr(ScheduleAdjustment.objects.get(project=target), name))
    # A review step on a flag: an explanation requested by letter, with its due date.
    flagged = make_project(land_handover_date=date(2023, 5, 3))
    run_scan(project_id=flagged.pk)
    flag = Flag.objects.get(project=flagged, cleared_at__isnull=True, rule__code="LAND_UNUSED_12M")
    url = reverse("watchlist:step", args=[flag.pk])
    for name, other in (("letter_date", "due_date"), ("due_date", "letter_date")):
        for day, inside in EDGES:
            fields = {"action": "request_explanation", "letter_number": "CV-1", other: EARLIEST if other == "letter_date"
                      else LATEST, name: day}
            _check(_post_edge(staff, url, url + "?action=request_explanation", fields, day), day, inside,
                   f"ReviewStepForm.{name}", problems,
                   lambda name=name: getattr(ReviewStep.objects.filter(flag=flag).order_by("-pk").first(), name))
    # The day an extension was requested, given when granting one: the window decides the field alone.
    for day, inside in EDGES:
        response = _post_edge(staff, url, url, {"action": "grant_extension", "requested_on": day}, day)
        assert response.status_code == 200 and (WINDOW in response.content.decode()) is not inside
        assert day.strftime(TYPED) in response.content.decode()
    assert not problems, "\n".join(problems)

    # A full scan over every edge date saved above evaluates every project.
    result = run_scan()
    assert result.failures == [] and result.evaluated == Project.objects.count()


FILTERS = {"projects:list": ["irc_from", "irc_to", "handover_from", "handover_to"],
           "clusters:list": ["established_from", "established_to"],
           "industry:obstacle_list": ["raised_from", "raised_to"],
           "industry:infrastructure_list": ["planned_from", "planned_to"]}


def test_every_filter_date_at_the_edges_of_the_window(staff, project):
    for url_name, names in FILTERS.items():
        for name in names:
            for day, inside in EDGES:
                response = staff.get(reverse(url_name), {name: day.strftime(TYPED)})
                html = response.content.decode()
                assert response.status_code == 200 and day.strftime(TYPED) in html, (name, day)
                assert (WINDOW in html) is not inside, (name, day)


def test_every_import_date_column_at_the_edges_of_the_window(cluster, project):
    problems, n = [], 0
    for kind in KINDS.values():
        for spec in kind.specs:
            if spec.kind != "date":
                continue
            for day, inside in EDGES:
                n += 1
                typed = day.strftime(TYPED)
                if kind.key == "projects":
                    row = project_row(code=f"NK-{n:03d}", cluster=cluster.code)
                    row.update({"irc_date": "", spec.key: typed})
                    handle = projects_file(row)
                elif kind.key == "clusters":
                    handle = workbook({"Cụm công nghiệp": [
                        ["cluster_code", "cluster_name", "commune", "former_district", spec.key],
                        [cluster.code, cluster.name, cluster.commune.name, cluster.former_district.name, typed]]})
                else:
                    handle = workbook({"Báo cáo vốn": [
                        ["project_code", "period", "implemented_capital_billion_vnd", spec.key],
                        [project.code, f"{2000 + n % 90}-H1" if n % 90 < 100 else "2024-H1", "1", typed]]})
                outcome = run_import(handle, "edge.xlsx", commit=True)
                text = " ".join(str(error) for error in outcome.errors) + " ".join(map(str, outcome.file_errors))
                if ("import", spec.key, day) in IMPOSSIBLE:
                    assert WINDOW not in text and not outcome.committed
                    continue
                if inside and not outcome.committed:
                    problems.append(f"import {spec.key} {typed}: refused: {text[:200]}")
                elif not inside and (outcome.committed or WINDOW not in text or typed not in text):
                    problems.append(f"import {spec.key} {typed}: not refused with the message and the value")
                elif inside:
                    saved = _imported(kind.key, spec, cluster, project, n)
                    if saved != day:
                        problems.append(f"import {spec.key} {typed}: saved as {saved}")
    assert not problems, "\n".join(problems)
    result = run_scan()
    assert result.failures == []


def _imported(kind, spec, cluster, project, n):
    if kind == "clusters":
        return getattr(type(cluster).objects.get(pk=cluster.pk), spec.attr)
    if kind == "capital_reports":
        return CapitalReport.objects.get(project=project, year=2000 + n % 90, period="H1").report_date
    imported = Project.objects.get(code=f"NK-{n:03d}")
    if spec.attr == "status_effective_on":
        return ProjectStatusChange.objects.filter(project=imported).order_by("-pk").first().effective_on
    return getattr(imported, spec.attr)


def _discovered() -> set[str]:
    """Every date field the tracker has: models (typed or not), forms, filters and import columns."""
    found = set()
    for config in (apps.get_app_config(label) for label in ("tracker", "clusters", "projects")):
        for model in config.get_models():
            if hasattr(model, "instance_type"):  # a history table (django-simple-history) copies its model's fields
                continue
            for field in model._meta.concrete_fields:
                if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
                    found.add(f"{model._meta.label}.{field.name}")
    from tracker.forms import TrackerForm, TrackerModelForm

    for module in ("clusters.forms", "projects.forms", "projects.watchlist.forms", "projects.imports.forms",
                   "tracker.reports.views"):
        importlib.import_module(module)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)
    for form in {*subclasses(TrackerForm), *subclasses(TrackerModelForm)}:
        for name, field in form.base_fields.items():
            if isinstance(field, django_forms.DateField):
                found.add(f"{form.__name__}.{name}")
    for module in ("clusters.filters", "projects.filters", "projects.watchlist.filters", "industry.filters.obstacles"):
        importlib.import_module(module)
    from tracker.filters import BaseFilterSet

    for filterset in subclasses(BaseFilterSet):
        for name, item in filterset.base_filters.items():
            if isinstance(item, django_filters.DateFilter):
                found.add(f"filter.{name}")
    for kind in KINDS.values():
        for spec in kind.specs:
            if spec.kind == "date":
                found.add(f"import.{kind.key}.{spec.key}")
    return found


def _covered() -> set[str]:
    """What the tests above post or import at the edges (every import date column is taken from the specs)."""
    covered = {f"ProjectForm.{name}" for name in PROJECT_DATES}
    covered |= {"ClusterForm.establishment_date", "ClusterForm.detailed_plan_date"}
    covered |= {f"{form}.{name}" for form, (_make, cases) in RECORD_CASES.items() for name in cases}
    covered |= {f"ScheduleAdjustmentForm.{name}" for name in ADJUSTMENT_DATES}
    covered |= {"ReviewStepForm.letter_date", "ReviewStepForm.due_date", "ReviewStepForm.requested_on"}
    covered |= {f"filter.{name}" for names in FILTERS.values() for name in names}
    covered |= {f"import.{kind.key}.{spec.key}" for kind in KINDS.values() for spec in kind.specs if spec.kind == "date"}
    covered |= importlib.import_module("tests.industry.test_obstacles_dates").COVERED
    # Cluster infrastructure (issue 16): posted at the edges in tests/industry/test_infrastructure.py.
    covered |= {"InfrastructureItemForm.planned_completion", "InfrastructureItemForm.actual_completion",
                "InfrastructureItemForm.standards_met_on"}
    return covered


def test_every_date_field_is_covered():
    """A model date is covered by a form of that model that posts it (or by its other name, TYPED_AS), or is set
    by the tracker (NOT_TYPED); a form's, a filter's and an import column's date by its own case above."""
    covered = _covered()
    missing = []
    for name in sorted(_discovered()):
        if name in NOT_TYPED or name in covered or TYPED_AS.get(name) in covered:
            continue
        if name.count(".") == 2 and not name.startswith("import."):  # app.Model.field
            app_model, field = name.rsplit(".", 1)
            model = apps.get_model(app_model)
            if any(_form_model(f) is model for f in covered if f.endswith("." + field)):
                continue
        missing.append(name)
    assert not missing, f"date fields not tested at the edges of the window: {missing}"


def _form_model(covered_name):
    form_name = covered_name.split(".")[0]
    for module in ("clusters.forms", "projects.forms", "projects.watchlist.forms"):
        form = getattr(importlib.import_module(module), form_name, None)
        if form is not None:
            return getattr(getattr(form, "_meta", None), "model", None)
    return None
