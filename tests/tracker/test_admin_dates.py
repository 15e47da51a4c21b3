"""The admin forms keep to the window of dates the tracker accepts, like the tracker's own forms: every date (and
date-and-time) field of every registered admin form and inline refuses the day before the window and the day after
it, next to the field, and accepts its first and last day; a post through the admin gets the error, no row, no 500."""
from datetime import timedelta

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from projects.models import ForceMajeurePeriod, Project
from tracker.dates import date_window

WINDOW = "Ngày phải nằm trong khoảng"


def _date_fields(form_class):
    return {name: field for name, field in form_class.base_fields.items()
            if isinstance(field, (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField))}


def _data(name, field, day):
    if isinstance(field, forms.SplitDateTimeField):
        return {f"{name}_0": day.strftime("%d/%m/%Y"), f"{name}_1": "12:00:00"}
    if isinstance(field, forms.DateTimeField):
        return {name: day.strftime("%d/%m/%Y") + " 12:00"}
    return {name: day.strftime("%d/%m/%Y")}


def _admin_forms(request, project):
    """(label, form class) of every registered admin's add and change form and of their inlines."""
    found = []
    for model, model_admin in admin.site._registry.items():
        obj = project if model is Project else model._default_manager.first()
        for label, instance in (("add", None), ("change", obj)):
            if instance is None and label == "change":
                continue
            found.append((f"{model._meta.label} {label}", model_admin.get_form(request, instance), instance))
            for inline in model_admin.get_inline_instances(request, instance):
                found.append((f"{model._meta.label} {label} inline {inline.model._meta.label}",
                              inline.get_formset(request, instance).form, None))
    return found


def test_every_date_field_of_every_admin_form_keeps_to_the_window(project, make_user, rf: RequestFactory):
    superuser = make_user("quantri", is_superuser=True, is_staff=True)
    request = rf.get("/admin/")
    request.user = superuser
    earliest, latest = date_window()
    checked = set()
    for label, form_class, instance in _admin_forms(request, project):
        for name, field in _date_fields(form_class).items():
            for day, inside in ((earliest - timedelta(days=1), False), (earliest, True), (latest, True),
                                (latest + timedelta(days=1), False)):
                form = form_class(data=_data(name, field, day), instance=instance) if instance else form_class(
                    data=_data(name, field, day))
                form.is_valid()
                errors = " ".join(str(message) for message in form.errors.get(name, []))
                assert (WINDOW in errors) is (not inside), (label, name, day, errors)
            checked.add(f"{label.split()[0]}.{name}")
    # The forms that have dates were looked at (a registry that lost its dates would make this test vacuous).
    assert {"projects.Project.irc_date", "projects.ForceMajeurePeriod.end_date", "clusters.Cluster.establishment_date",
            "auth.User.date_joined", "auth.User.last_login", "projects.LandUseExtension.start_date",
            "industry.Obstacle.raised_on", "industry.Obstacle.target_date", "industry.Obstacle.resolved_on",
            "industry.Obstacle.taken_on",  # the inline's actions
            "industry.Scheme.approved_on", "industry.Scheme.completed_on"} <= checked


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("quantri", is_superuser=True, is_staff=True))
    return client


def test_an_absurd_date_through_the_admin_is_a_field_error_not_a_row(admin_client, project):
    url = reverse("admin:projects_forcemajeureperiod_add")
    response = admin_client.post(url, {"project": project.pk, "start_date": "01/01/2025", "end_date": "31/12/9999",
                                       "reason": "Lũ"})
    assert response.status_code == 200 and WINDOW in response.content.decode()
    assert not ForceMajeurePeriod.objects.exists()
    latest = date_window()[1]
    response = admin_client.post(url, {"project": project.pk, "start_date": "01/01/2025",
                                       "end_date": latest.strftime("%d/%m/%Y"), "reason": "Lũ"})
    assert response.status_code == 302
    assert ForceMajeurePeriod.objects.get().end_date == latest


def test_a_user_joined_in_year_one_is_refused_not_a_500(admin_client, make_user):
    officer = make_user("canboxa", "commune_officer")
    url = reverse("admin:auth_user_change", args=[officer.pk])
    page = admin_client.get(url).content.decode()
    prefix = "accessscope" if "accessscope-TOTAL_FORMS" in page else "scope"
    response = admin_client.post(url, {
        "username": "canboxa", "is_active": "on", "date_joined_0": "01/01/0001", "date_joined_1": "00:00:00",
        f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1",
    })
    assert response.status_code == 200 and WINDOW in response.content.decode()
    officer.refresh_from_db()
    assert officer.date_joined.year > 2000
