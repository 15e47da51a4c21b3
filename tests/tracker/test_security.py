"""Security hardening: login lockout, security headers and CSP, production settings, script injection, sessions."""
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from projects.models import CapitalReport

XSS = "<script>alert(1)</script>"


def _login(client, password):
    return client.post(reverse("login"), {"username": "chuyenvien", "password": password})


def test_four_failed_logins_still_let_the_right_password_in(staff_user, client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "sai-mat-khau").status_code == 200
    assert _login(client, "S3cure-pass-2026").status_code == 302


def test_the_fifth_failed_login_locks_the_account_even_for_the_right_password(staff_user, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "sai-mat-khau")
    response = _login(client, "S3cure-pass-2026")
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_send_a_strict_content_security_policy_and_security_headers(staff_client):
    response = staff_client.get(reverse("projects:list"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_templates_have_no_inline_script_or_style_that_the_policy_would_block():
    for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+=", html), path  # onclick= and friends
        assert not re.search(r"\sstyle=", html), path
        assert "<style" not in html, path


def test_every_form_posts_with_a_csrf_token(staff_client, staff_user, project):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(staff_user)
    for url in (reverse("projects:update", args=[project.pk]), reverse("clusters:create"), reverse("investors:create")):
        html = staff_client.get(url).content.decode()
        assert 'name="csrfmiddlewaretoken"' in html
        assert csrf_client.post(url, {}).status_code == 403


def test_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings_production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "ccn.example.gov.vn",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests, never in production
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_real_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings_production", "ALLOWED_HOSTS": "x"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_a_script_in_a_name_is_shown_as_text_on_every_page(staff_client, make_cluster, investor, make_project):
    investor.name = XSS
    investor.save()
    cluster = make_cluster(name=XSS)
    project = make_project(name=XSS, cluster=cluster)
    CapitalReport.objects.create(project=project, year=2025, period="Q1", implemented_capital_vnd=1)
    pages = [
        reverse("home"),
        reverse("projects:list"),
        reverse("projects:list") + "?q=" + XSS,
        project.get_absolute_url(),
        reverse("projects:history", args=[project.pk]),
        reverse("projects:update", args=[project.pk]),
        reverse("projects:record_create", args=[project.pk, "reports"]),
        reverse("clusters:list"),
        cluster.get_absolute_url(),
        reverse("clusters:history", args=[cluster.pk]),
        reverse("investors:list"),
        investor.get_absolute_url(),
        reverse("investors:history", args=[investor.pk]),
    ]
    for url in pages:
        html = staff_client.get(url).content.decode()
        assert XSS not in html, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in staff_client.get(project.get_absolute_url()).content.decode()


def test_sessions_expire_after_the_idle_time(staff_client):
    response = staff_client.get(reverse("home"))
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE == 30 * 60
    assert cookie["httponly"]


@pytest.mark.parametrize("password", ["12345678", "password", "chuyenvien1", "short"])
def test_weak_passwords_are_refused(staff_user, password):
    with pytest.raises(ValidationError):
        validate_password(password, staff_user)
