"""What a logged-in user was shown is kept by no cache (`Cache-Control: private, no-store`), downloads still work,
static files keep their long cache; the language cookie is HttpOnly and SameSite=Lax, and Secure in production
(issue 13, point 7)."""
import io
import json
import os
import re
import secrets
import subprocess
import sys

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import Document
from tests.tracker.test_run_script import collected, without_debug  # noqa: F401 (fixtures)

PRIVATE = "private, no-store"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_every_page_a_logged_in_user_gets_says_private_no_store(staff_client, project, cluster, investor):
    for url in (reverse("home"), reverse("projects:list"), project.get_absolute_url(), cluster.get_absolute_url(),
                reverse("clusters:list"), reverse("investors:list"), reverse("watchlist:list"), reverse("reports:index"),
                reverse("imports:start"), reverse("projects:update", args=[project.pk])):
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == PRIVATE, url
    # A redirect and a refusal too: a 404 page may still name what the user asked for.
    assert staff_client.get(reverse("projects:detail", args=[999_999]))["Cache-Control"] == PRIVATE
    assert staff_client.post(reverse("set_language"), {"language": "en"})["Cache-Control"] == PRIVATE


def test_downloads_still_work_and_are_not_stored(staff_client, project):
    for fmt in ("csv", "xlsx"):
        response = staff_client.get(reverse("projects:export"), {"format": fmt})
        assert response.status_code == 200 and response["Cache-Control"] == PRIVATE
        assert "attachment" in response["Content-Disposition"]
        content = response.getvalue()
        if fmt == "xlsx":
            rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
            assert rows[2][0] == project.code
        else:
            assert project.code in content.decode("utf-8-sig")
    for url in (reverse("reports:form04_xlsx"), reverse("reports:watchlist_xlsx"), reverse("imports:template")):
        response = staff_client.get(url)
        assert response.status_code == 200 and response["Cache-Control"] == PRIVATE, url
        assert load_workbook(io.BytesIO(response.getvalue())).worksheets, url
    upload = SimpleUploadedFile("quyet-dinh.pdf", PDF, content_type="application/pdf")
    staff_client.post(reverse("projects:document_upload", args=[project.pk]),
                      {"title": "Quyết định", "kind": "policy_approval", "file": upload})
    document = Document.objects.get()
    for download in ("", "1"):
        response = staff_client.get(reverse("projects:document_download", args=[project.pk, document.pk]),
                                    {"download": download} if download else {})
        assert response.status_code == 200 and response.getvalue() == PDF
        assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == PRIVATE


def test_anonymous_answers_keep_what_their_views_say(client, db):
    # /healthz (no login) says never-cache itself, in Django's words; the middleware leaves anonymous answers alone.
    assert client.get(reverse("healthz"))["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_static_files_keep_their_long_cache_for_a_logged_in_user(without_debug, staff_user):  # noqa: F811
    client = Client()  # a new client loads the middleware, and WhiteNoise finds the collected files
    client.force_login(staff_user)
    html = client.get(reverse("home")).content.decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    assert assets
    for url in assets:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "immutable" in response["Cache-Control"] and "no-store" not in response["Cache-Control"], url


def test_the_language_cookie_is_http_only_and_same_site_lax(client, db):
    response = client.post(reverse("set_language"), {"language": "en"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and cookie["httponly"] is True and cookie["samesite"] == "Lax"


PRODUCTION_COOKIE = """
import django, json
django.setup()
from django.conf import settings
from django.test import Client
response = Client().post("/language/", {"language": "en"}, secure=True)
cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
print(json.dumps({"secure": cookie["secure"], "httponly": cookie["httponly"], "samesite": cookie["samesite"],
                  "value": cookie.value, "settings": [settings.LANGUAGE_COOKIE_SECURE, settings.SESSION_COOKIE_SECURE]}))
"""


def test_in_production_the_language_cookie_is_secure():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings_production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run([sys.executable, "-c", PRODUCTION_COOKIE], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    cookie = json.loads(result.stdout.strip().splitlines()[-1])
    assert cookie == {"secure": True, "httponly": True, "samesite": "Lax", "value": "en", "settings": [True, True]}


def test_outside_production_the_language_cookie_works_over_plain_http(client, db):
    # The demo (scripts/run) serves http://127.0.0.1: a Secure cookie would never come back and the switch would
    # do nothing.
    assert settings.LANGUAGE_COOKIE_SECURE is False
    client.post(reverse("set_language"), {"language": "en"})
    assert client.get(reverse("login"))["Content-Language"] == "en"
