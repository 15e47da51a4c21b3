"""The home page, the error pages and the health check."""
import logging
import os
from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.shortcuts import render
from django.template import loader
from django.http import HttpResponseNotFound, HttpResponseServerError
from django.views.decorators.csrf import requires_csrf_token

from tracker.dashboard import dashboard, default_year
from tracker.models import WorkerHeartbeat
from tracker.site_search import clean_query, has_words, site_search

logger = logging.getLogger(__name__)


def home(request):
    """The leadership dashboard for a year chosen at the top (default: the latest year with targets)."""
    today = timezone.localdate()
    year = _asked_year(request.GET.get("year")) or default_year(today)
    context = dashboard(user=request.user, year=year, today=today)
    # The cluster table (and its chart) shows 50 clusters a page: a province has a few dozen, the benchmark 2,000.
    context["cluster_page"] = Paginator(context["clusters"], 50).get_page(request.GET.get("clusters_page"))
    context["years"] = list(range(today.year + 1, 2014, -1))
    context["today"] = today
    return render(request, "dashboard.html", context)


def _asked_year(value) -> int | None:
    """The year in the URL, or None when there is none or it is no year the dashboard can show."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 2000 <= year <= 2100 else None


def _api_error(request, status: int, detail: str):
    """Under /api/ the errors are JSON as the API's own (api.exceptions), never an HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail, "errors": {}}, status=status)
    return None


def page_not_found(request, exception=None):
    return _api_error(request, 404, str(_("Not found."))) or HttpResponseNotFound(
        render(request, "404.html", status=404).content
    )


@requires_csrf_token
def server_error(request):
    # No context processors: whatever broke the page may break them too.
    api = _api_error(request, 500, str(_("A server error occurred.")))
    if api is not None:
        return api
    return HttpResponseServerError(loader.get_template("500.html").render({}))


def debug_500(request):  # pragma: no cover - only mounted with DEBUG, to look at the 500 page
    raise RuntimeError("Test of the error page")


@login_not_required
@never_cache
def healthz(request):
    """For monitoring: is the database reachable, is the broker reachable, when did a worker last run a task.

    No login and no secrets; HTTP 503 when the database or the broker is down, or when no worker has run its
    heartbeat for HEALTH_HEARTBEAT_MAX_SECONDS (`worker: stale`), so a load balancer or a monitor acts on it. Also
    reported: the age of the last successful watchlist scan (`stale` past WATCHLIST_STALE_HOURS), and the state of
    the latest full scan (`failed`, or `unfinished` when still "running" past its time limit: its worker died).
    """
    checks = {"database": _check_database(), "broker": _check_broker()}
    database = checks["database"] == "ok"
    heartbeat = WorkerHeartbeat.objects.order_by("-last_seen").values_list("last_seen", flat=True).first() if database else None
    age = int((timezone.now() - heartbeat).total_seconds()) if heartbeat else None
    checks["worker"] = "ok" if age is not None and age <= settings.HEALTH_HEARTBEAT_MAX_SECONDS else "stale"
    scan_age, scan_error = _last_scan() if database else (None, "")
    latest, unfinished = _scan_states() if database else (None, None)
    healthy = all(value == "ok" for value in checks.values())
    body = {
        "status": "ok" if healthy else "error",
        **checks,
        "worker_heartbeat_age_seconds": age,
        # `partial`: the last full scan carried on past projects it could not evaluate (their flags kept as they were).
        "watchlist": ("stale" if scan_age is None or scan_age > settings.WATCHLIST_STALE_HOURS * 3600
                      else "partial" if scan_error else "ok"),
        "last_scan_age_seconds": scan_age,
        "latest_scan": latest,
        "unfinished_scans": unfinished,
    }
    return JsonResponse(body, status=200 if healthy else 503)


def _last_scan() -> tuple[int | None, str]:
    """Seconds since the last successful full watchlist scan finished, and what it could not evaluate."""
    from django.apps import apps

    Scan = apps.get_model("projects", "Scan")  # the project package imports no app model at module level here
    last = (
        Scan.objects.filter(status="succeeded", project__isnull=True)
        .order_by("-finished_at")
        .values_list("finished_at", "error")
        .first()
    )
    if last is None:
        return None, ""
    return int((timezone.now() - last[0]).total_seconds()), last[1]


def _scan_states() -> tuple[str | None, int]:
    """The state of the latest full scan (`succeeded`, `running`, `failed`, or `unfinished`: still running past the
    hard time limit, so its worker died), None before any; and how many scans of any kind are unfinished."""
    from django.apps import apps

    Scan = apps.get_model("projects", "Scan")
    cutoff = timezone.now() - timedelta(seconds=settings.WATCHLIST_SCAN_HARD_TIME_LIMIT_SECONDS)
    unfinished = Scan.objects.filter(status="running", started_at__lt=cutoff)
    latest = Scan.objects.filter(project__isnull=True).order_by("-started_at").values_list("status", "started_at").first()
    if latest is None:
        return None, unfinished.count()
    status, started_at = latest
    return ("unfinished" if status == "running" and started_at < cutoff else status), unfinished.count()


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means "down"; the reason goes to the log, not to the public
        logger.exception("health check: database unreachable")
        return "error"
    return "ok"


def _check_broker() -> str:
    from tracker.celery import app

    if str(app.conf.broker_url).startswith("filesystem"):
        # The embedded transport is a folder: reachable means it exists and the worker can write to it.
        folder = (app.conf.broker_transport_options or {}).get("data_folder_in", "")
        return "ok" if folder and os.access(folder, os.W_OK) else "error"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # noqa: BLE001
        logger.exception("health check: broker unreachable")
        return "error"
    return "ok"


def search(request):
    """One search box for clusters, investors and projects (tracker.site_search); an empty query searches nothing."""
    query = clean_query(request.GET.get("q"))
    groups = site_search(user=request.user, query=query, pages=request.GET) if has_words(query) else []
    return render(request, "search.html", {
        "query": query, "groups": groups, "searched": bool(groups),
        "found": sum(group.page.paginator.count for group in groups),
    })
