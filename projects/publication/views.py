"""The public lists' pages. Leadership's page (/publication/) shows each list as it would be published today, what
changed since its last approved version, and the button that approves it. The public pages (/cong-khai/, no
login) show the last approved version of each list, as a page, xlsx and PDF: cacheable (ETag, Last-Modified), a
few queries each, and rate-limited per client address."""
import logging
import time
from functools import wraps

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe
from redis.exceptions import RedisError

from projects.models import Publication
from projects.publication.columns import FIELDS, value
from projects.publication.exports import publication_pdf, publication_xlsx
from projects.publication.selectors import (
    difference, latest_publication, latest_publications, preparers, preview_rows, publication_history, rows_digest,
)
from projects.publication.services import APPROVE_PERMISSION, publication_approve

RATE_WINDOW_SECONDS = 60
logger = logging.getLogger(__name__)


def _table(kind, rows) -> list[list]:
    """The rows as cells: (field, value in the reader's words) in the list's order."""
    return [[(field, value(field, row)) for field in FIELDS[kind]] for row in rows]


# ---- leadership ---------------------------------------------------------------------------------------------------


def manage(request):
    if not request.user.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        try:
            publication = publication_approve(kind=kind, user=request.user, digest=request.POST.get("digest", ""),
                                              prepared_by=_preparer(request.POST.get("prepared_by", "")))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("“%(list)s”, version %(version)s, is approved: the public page shows it now.") % {
                "list": publication.get_kind_display(), "version": publication.version,
            })
        anchor = f"#{kind}" if kind in Publication.Kind.values else ""
        return redirect(reverse("publication:index") + anchor)
    today = timezone.localdate()
    sections = []
    for kind, label in Publication.Kind.choices:
        rows = preview_rows(kind, today)
        last = latest_publication(kind)
        changes = difference(kind, last.rows if last else [], rows)
        sections.append({
            "kind": kind, "label": label, "fields": FIELDS[kind], "table": _table(kind, rows), "count": len(rows),
            "digest": rows_digest(rows), "last": last,
            "added": _table(kind, changes["added"]), "removed": _table(kind, changes["removed"]),
            "changed": _table(kind, [new for _old, new in changes["changed"]]),
            "unchanged": last is not None and not any(changes.values()),
            "history": list(publication_history(kind)[:5]),
        })
    return render(request, "publication/manage.html", {
        "sections": sections, "today": today, "title": _("Public lists"), "preparers": list(preparers()),
    })


def _preparer(value: str):
    """The user chosen as having prepared the list, or None (the service says what is wrong)."""
    return preparers().filter(pk=value).first() if value.isdigit() else None


# ---- public -------------------------------------------------------------------------------------------------------


def _window() -> int:
    return int(time.time() // RATE_WINDOW_SECONDS)


def _count(address: str) -> int:
    key = f"public-lists:{address}:{_window()}"
    cache.add(key, 0, RATE_WINDOW_SECONDS * 2)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS * 2)
        return 1
    except RedisError:  # the cache is a convenience (tracker/cache.py): with Redis down the pages are served unlimited
        logger.warning("cache unreachable: public lists' rate limit not counted", exc_info=True)
        return 1


def rate_limited(view):
    """At most PUBLIC_LISTS_PER_MINUTE requests a minute from one client address; more get a 429 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if _count(get_client_ip_address(request) or "-") > settings.PUBLIC_LISTS_PER_MINUTE:
            response = render(request, "publication/too_many.html", {"seconds": RATE_WINDOW_SECONDS}, status=429)
            response["Retry-After"] = str(RATE_WINDOW_SECONDS)
            return response
        return view(request, *args, **kwargs)

    return wrapper


def public_cache(view):
    """Public pages may be kept by browsers and proxies for a short while; the page depends on the language cookie.
    A logged-in user's copy stays private (tracker.middleware.PrivatePagesMiddleware)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code in (200, 304):
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_LISTS_MAX_AGE)
            patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper


def _publication(request, kind: str) -> Publication | None:
    """The last approved version of `kind`, read once per request (the ETag, Last-Modified and the page share it)."""
    if kind not in Publication.Kind.values:
        raise Http404
    found = request.__dict__.setdefault("_publications", {})
    if kind not in found:
        found[kind] = latest_publication(kind)
    return found[kind]


def _all(request) -> dict[str, Publication]:
    if "_all_publications" not in request.__dict__:
        request._all_publications = latest_publications()
    return request._all_publications


def _etag(request, kind):
    publication = _publication(request, kind)
    return f'W/"{kind}-{publication.version}-{request.LANGUAGE_CODE}"' if publication else None


def _last_modified(request, kind):
    publication = _publication(request, kind)
    return publication.approved_on if publication else None


def _index_etag(request):
    latest = _all(request)
    if not latest:
        return None
    versions = "-".join(f"{latest[kind].version}" if kind in latest else "0" for kind in Publication.Kind.values)
    return f'W/"index-{versions}-{request.LANGUAGE_CODE}"'


def _index_last_modified(request):
    latest = _all(request)
    return max((publication.approved_on for publication in latest.values()), default=None)


def public_view(etag_func, last_modified_func):
    """No login, GET and HEAD only, rate-limited, cacheable, with the conditional answers (304) of ETag and Last-Modified."""

    def decorate(view):
        return login_not_required(rate_limited(public_cache(require_safe(condition(
            etag_func=etag_func, last_modified_func=last_modified_func
        )(view)))))

    return decorate


@public_view(_index_etag, _index_last_modified)
def public_index(request):
    latest = _all(request)
    lists = [{"kind": kind, "label": label, "publication": latest.get(kind)} for kind, label in Publication.Kind.choices]
    return render(request, "publication/index.html", {"lists": lists})


def _context(request, kind):
    publication = _publication(request, kind)
    return {
        "kind": kind, "label": Publication.Kind(kind).label, "publication": publication, "fields": FIELDS[kind],
        "table": _table(kind, publication.rows) if publication else [],
    }


@public_view(_etag, _last_modified)
def public_list(request, kind: str):
    return render(request, "publication/list.html", _context(request, kind))


@public_view(_etag, _last_modified)
def public_xlsx(request, kind: str):
    publication = _publication(request, kind)
    if publication is None:
        raise Http404
    return publication_xlsx(publication)


@public_view(_etag, _last_modified)
def public_pdf(request, kind: str):
    publication = _publication(request, kind)
    if publication is None:
        raise Http404
    return publication_pdf(publication, _context(request, kind) | {
        "DEPARTMENT_NAME": settings.DEPARTMENT_NAME, "PROVINCE_NAME": settings.PROVINCE_NAME,
    })
