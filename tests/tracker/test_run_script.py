"""`bash scripts/run` is the demo a department official opens: Django's debug pages (the technical 404 with the URL
patterns, tracebacks) must not reach it, and without DEBUG the site must still be styled, its static files collected
and served by WhiteNoise as in production."""
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

RUN = Path(django_settings.BASE_DIR) / "scripts" / "run"


def _commands() -> list[str]:
    """The lines of scripts/run that do something, comments dropped."""
    lines = (line.split("#", 1)[0].strip() for line in RUN.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def test_the_run_script_does_not_turn_debug_on_and_collects_the_static_files():
    commands = _commands()
    assert not [line for line in commands if re.search(r"DEBUG\W*(?::-|=)\W*(true|1|yes|on)\b", line, re.I)]
    collect = next(i for i, line in enumerate(commands) if "manage.py collectstatic" in line)
    serve = next(i for i, line in enumerate(commands) if "manage.py runserver" in line)
    assert collect < serve
    assert "--insecure" not in commands[serve]  # WhiteNoise serves the static files, not runserver


PRODUCTION_STATIC = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """The static files collected once, as scripts/run collects them, with the production storage."""
    from django.test import override_settings

    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES={**django_settings.STORAGES, "staticfiles": PRODUCTION_STATIC}):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


@pytest.fixture
def without_debug(settings, collected):
    """The settings scripts/run gives the server: DEBUG off, the production static storage over the collected files."""
    settings.DEBUG = False
    settings.STATIC_ROOT = collected
    settings.STORAGES = {**settings.STORAGES, "staticfiles": PRODUCTION_STATIC}
    return settings


def test_without_debug_the_pages_are_styled_by_the_collected_static_files(without_debug, db):
    client = Client()  # a new client loads the middleware, and WhiteNoise finds the files collected above
    html = client.get(reverse("login")).content.decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    css = [url for url in assets if url.endswith(".css")]
    js = [url for url in assets if url.endswith(".js")]
    assert css and js
    for url in css + js:
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", url), url  # fingerprinted by the manifest storage
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/css" if url.endswith(".css") else "text/javascript"), url
        assert "immutable" in response["Cache-Control"]


def test_without_debug_a_project_of_another_commune_is_the_sites_404_page(without_debug, make_user, make_project,
                                                                          make_cluster, commune):
    from clusters.models import Commune

    other = Commune.objects.create(name="Xã Khác", former_district=commune.former_district)
    project = make_project(cluster=make_cluster(commune=other))
    client = Client()
    client.force_login(make_user("canboxa", "commune_officer", communes=[commune]))
    for url in (project.get_absolute_url(), "/khong-co-trang-nay/"):
        response = client.get(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert "Không tìm thấy trang" in html and "Về trang tổng quan" in html
        assert "URLconf" not in html and "Raised by" not in html
