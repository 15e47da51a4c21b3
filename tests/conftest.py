"""Shared fixtures, and the rule for tests that need a service: skip with a reason locally, fail under CI=true."""
import os
import socket
from datetime import date
from decimal import Decimal
from urllib.parse import urlparse

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Django's live server under pytest-playwright

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
TEST_REDIS_URL = os.environ.get("REDIS_URL") or os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=2):
            return True
    except OSError:
        return False


def _missing_services() -> dict[str, str]:
    from django.conf import settings

    missing = {}
    if not _reachable(TEST_REDIS_URL):
        missing["redis"] = f"Redis is not reachable at {TEST_REDIS_URL}"
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        missing["postgres"] = "the database is not PostgreSQL (set DATABASE_URL=postgres://...)"
    if not os.access(CHROMIUM, os.X_OK):
        missing["browser"] = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return missing


def pytest_report_header(config):
    missing = _missing_services()
    if not missing:
        return "services: PostgreSQL, Redis and Chromium available"
    lines = []
    for marker, reason in missing.items():
        if CI and marker == "postgres":
            outcome = "run in the PostgreSQL pass of CI (deselected here)"
        else:
            outcome = "FAIL (CI=true)" if CI else "be skipped"
        lines.append(f"services: {reason}; tests marked '{marker}' will {outcome}")
    return lines


def pytest_collection_modifyitems(config, items):
    missing = _missing_services()
    if "postgres" not in missing:
        # SQLite-only tests (the backup's SQLite round trip) belong to the SQLite pass.
        sqlite_only = [item for item in items if "sqlite" in item.keywords]
        if CI and sqlite_only:
            config.hook.pytest_deselected(items=sqlite_only)
            items[:] = [item for item in items if "sqlite" not in item.keywords]
        for item in sqlite_only if not CI else ():
            item.add_marker(pytest.mark.skip(reason="runs on SQLite only (the PostgreSQL pass has its own drill)"))
    if CI and "postgres" in missing:
        # CI runs the suite twice; PostgreSQL-only tests belong to the PostgreSQL pass, not to the SQLite one.
        deselected = [item for item in items if "postgres" in item.keywords]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = [item for item in items if "postgres" not in item.keywords]
        missing.pop("postgres")
    for item in items:
        for marker, reason in missing.items():
            if marker in item.keywords:
                if CI:
                    item.add_marker(pytest.mark.usefixtures("_fail_missing_" + marker))
                else:
                    item.add_marker(pytest.mark.skip(reason=reason))


def _fail(marker):
    @pytest.fixture
    def fixture():
        pytest.fail(f"CI=true and {_missing_services().get(marker, marker + ' missing')}")

    return fixture


_fail_missing_redis = _fail("redis")
_fail_missing_postgres = _fail("postgres")
_fail_missing_browser = _fail("browser")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language (Vietnamese), whatever the request before it left active in the
    thread (Django's locale handling leaves the last request's language active), and leaves it so."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


# ---- domain fixtures -------------------------------------------------------------------------------------------


@pytest.fixture
def district(db):
    from clusters.models import FormerDistrict

    return FormerDistrict.objects.create(name="Lương Sơn")


@pytest.fixture
def commune(db, district):
    from clusters.models import Commune

    return Commune.objects.create(name="Lương Sơn", kind="commune", former_district=district)


@pytest.fixture
def make_cluster(db, commune, district):
    from clusters.models import Cluster

    counter = {"n": 0}

    def make(status_on=None, **fields):
        """A project, with its status in the dated status history as the services record it: effective on
        `status_on`, else on the matching actual date (handover, construction start, operation, certificate)."""
        from projects.models import ProjectStatusChange

        counter["n"] += 1
        values = {
            "code": f"CCN-T-{counter['n']:02d}",
            "name": f"Cụm thử {counter['n']}",
            "commune": commune,
            "former_district": district,
            "stage": Cluster.Stage.OPERATING,
            "establishment_date": date(2015, 1, 1),
            "total_area_ha": Decimal("74.5"),
            "industrial_land_ha": Decimal("50"),
        }
        values.update(fields)
        cluster = Cluster(**values)
        cluster.full_clean()
        cluster.save()
        return cluster

    return make


@pytest.fixture
def cluster(make_cluster):
    return make_cluster(name="Xóm Rụt")


@pytest.fixture
def investor(db):
    from projects.models import Investor

    return Investor.objects.create(name="Công ty TNHH Thử nghiệm", tax_code="0101234567")


@pytest.fixture
def watchlist_rules(db):
    """The rules the seeding migration made; transactional tests flush them, so put them back when missing."""
    import importlib

    from django.apps import apps

    from projects.models import Rule

    if not Rule.objects.exists():
        importlib.import_module("projects.migrations.0004_seed_rules").seed(apps, None)
        importlib.import_module("projects.migrations.0010_watchlist_lifecycle_data").rules(apps, None)
    return Rule.objects.all()


@pytest.fixture
def make_project(db, cluster, investor, watchlist_rules):
    from clusters.services import cluster_summary_refresh
    from projects.models import Project

    counter = {"n": 0}

    def make(status_on=None, **fields):
        """A project, with its status in the dated status history as the services record it: effective on
        `status_on`, else on the matching actual date (handover, construction start, operation, certificate)."""
        from projects.models import ProjectStatusChange

        counter["n"] += 1
        values = {
            "code": f"DA-T-{counter['n']:03d}",
            "name": f"Dự án thử {counter['n']}",
            "cluster": cluster,
            "investor": investor,
            "registered_capital_vnd": 100 * 10**9,
            "land_area_ha": Decimal("1"),
            "irc_date": date(2024, 3, 1),
        }
        values.update(fields)
        project = Project(**values)
        natural = {
            "operating": project.actual_operation_start,
            "under_construction": project.actual_construction_start,
            "land_handed_over": project.land_handover_date,
        }.get(project.status)
        project.status_since = status_on or natural or project.irc_date or project.policy_approval_date or date(2024, 1, 1)
        project.full_clean()
        project.save()
        ProjectStatusChange.objects.create(project=project, status=project.status, effective_on=project.status_since)
        cluster_summary_refresh([project.cluster_id])  # as the project services do
        return project

    return make


@pytest.fixture
def project(make_project):
    return make_project()


@pytest.fixture
def make_user(db, django_user_model):
    """A user with one role (group), and for a commune officer the communes assigned to them."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    from tracker.models import AccessScope
    from tracker.roles import sync_roles

    sync_roles(apps)  # transactional tests flush the groups the data migration made

    def make(username, role=None, communes=(), **extra):
        user = django_user_model.objects.create_user(username=username, password="S3cure-pass-2026", **extra)
        if role:
            user.groups.add(Group.objects.get(name=role))
        if communes:
            AccessScope.objects.create(user=user).communes.set(communes)
        return user

    return make


@pytest.fixture
def staff_user(make_user):
    return make_user("chuyenvien", "staff")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client
