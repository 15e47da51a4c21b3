"""The form renderer (tracker/renderers.py) draws Django's widgets from their Jinja2 templates and everything else
(the admin's widgets) from Django's templates. What a user receives must not change: every page below, drawn with
it and with Django's own renderer, is the same HTML document (compared as Django's assertHTMLEqual compares: line
breaks between tags and the spelling of an escaped quote aside)."""
import re

import pytest
from django.forms.renderers import get_default_renderer
from django.template.backends.jinja2 import Template as Jinja2Template
from django.test import override_settings
from django.test.html import parse_html
from django.urls import reverse

from projects.models import Project
from tracker.renderers import FormRenderer

DJANGO_RENDERER = "django.forms.renderers.DjangoTemplates"


def _normalised(html: str):
    return parse_html(re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html))


def _both(client, method: str, url: str, data=None) -> tuple[str, str]:
    send = getattr(client, method)
    with override_settings(FORM_RENDERER=DJANGO_RENDERER):
        before = send(url, data or {})
    after = send(url, data or {})
    assert before.status_code == after.status_code
    return _normalised(before.content.decode()), _normalised(after.content.decode())


def test_the_renderer_is_the_settings_one_and_takes_djangos_widgets_from_jinja2():
    renderer = get_default_renderer()
    assert isinstance(renderer, FormRenderer)
    assert isinstance(renderer.get_template("django/forms/widgets/select.html"), Jinja2Template)
    # Not a template of Django's forms: Django's templates, as before (the admin's widgets live there).
    assert not isinstance(renderer.get_template("admin/widgets/related_widget_wrapper.html"), Jinja2Template)


@pytest.mark.parametrize("url_name", ["projects:list", "watchlist:list", "clusters:list", "projects:create",
                                      "investors:create", "targets:create", "home"])
def test_a_page_with_forms_says_the_same_with_either_renderer(staff_client, make_project, url_name):
    make_project()
    before, after = _both(staff_client, "get", reverse(url_name) + ("?status=operating&severity=critical"
                                                                  if url_name.endswith(":list") else ""))
    assert before == after


def test_a_form_sent_back_with_its_errors_says_the_same_with_either_renderer(staff_client, make_project):
    project = make_project()
    data = {"code": "", "name": "Nhà máy", "cluster": "KHÔNG-CÓ", "registered_capital_vnd": "abc",
            "irc_date": "31/02/2024", "status": "registered", "industry": "food"}
    before, after = _both(staff_client, "post", reverse("projects:create"), data)
    assert before == after
    assert "invalid-feedback" in str(after)  # the errors are there, beside their fields
    before, after = _both(staff_client, "get", reverse("projects:document_upload", args=[project.pk]))
    assert before == after


def test_the_admin_change_page_says_the_same_with_either_renderer(client, make_user, make_project):
    project = make_project()
    client.force_login(make_user("quantri", is_superuser=True, is_staff=True))
    before, after = _both(client, "get", reverse("admin:projects_project_change", args=[project.pk]))
    assert before == after
    assert "related-widget-wrapper" in str(after)


def test_an_edit_form_of_a_name_with_quotes_says_the_same_with_either_renderer(staff_client, make_project):
    project = make_project()
    Project.objects.filter(pk=project.pk).update(name="Nhà máy \"Sao Mai\" & Công ty 'Bình An' <1>")
    before, after = _both(staff_client, "get", reverse("projects:update", args=[project.pk]))
    assert before == after
    # The two spell the escaped quotes differently (so the comparison above did compare them), and both escape.
    raw = staff_client.get(reverse("projects:update", args=[project.pk])).content.decode()
    assert 'value="Nhà máy &#34;Sao Mai&#34; &amp; Công ty &#39;Bình An&#39; &lt;1&gt;"' in raw
    with override_settings(FORM_RENDERER=DJANGO_RENDERER):
        raw = staff_client.get(reverse("projects:update", args=[project.pk])).content.decode()
    assert 'value="Nhà máy &quot;Sao Mai&quot; &amp; Công ty &#x27;Bình An&#x27; &lt;1&gt;"' in raw
