"""Every API route × role × method, on objects inside and outside the commune officer's communes: allowed, 403,
404 (existence does not leak), 401 for an anonymous caller (never the login page); a refused write changes nothing.
API_ROUTES names every route of /api/v1/: a new route without its line here fails the first test."""
import pytest
from django.urls import URLResolver, get_resolver, reverse

from projects.models import ProjectStatusChange
from tests.tracker.test_access_matrix import ALLOWED, ROLES, _snapshot

WRITE = ALLOWED["change"]
DELETE = ALLOWED["delete"]
TARGETS = ALLOWED["targets"]
WORK = ALLOWED["work"]
# route name → (what its argument is, {method: roles allowed}). GET of a list or an object is allowed to everyone
# with the model's view permission (every role); writes as the forms.
RECORD = {"GET": set(ROLES), "PATCH": WRITE, "PUT": WRITE, "DELETE": DELETE}
API_ROUTES = {
    "api:schema": (None, {"GET": set(ROLES)}),
    "api:docs": (None, {"GET": set(ROLES)}),
    "api:commune-list": (None, {"GET": set(ROLES)}),
    "api:commune-detail": ("commune", {"GET": set(ROLES)}),
    "api:cluster-list": (None, {"GET": set(ROLES), "POST": WRITE}),
    "api:cluster-detail": ("cluster", {"GET": set(ROLES), "PATCH": WRITE, "PUT": WRITE}),
    "api:investor-list": (None, {"GET": set(ROLES), "POST": WRITE}),
    "api:investor-detail": ("investor", {"GET": set(ROLES), "PATCH": WRITE, "PUT": WRITE}),
    "api:project-list": (None, {"GET": set(ROLES), "POST": WRITE}),
    "api:project-bulk": (None, {"POST": WRITE}),
    "api:project-detail": ("project", {"GET": set(ROLES), "PATCH": WRITE, "PUT": WRITE}),
    "api:capital-report-list": (None, {"GET": set(ROLES), "POST": WRITE}),
    "api:capital-report-detail": ("reports", RECORD),
    "api:adjustment-list": (None, {"GET": set(ROLES), "POST": WRITE}),
    "api:adjustment-detail": ("adjustments", {"GET": set(ROLES)}),
    "api:extension-list": (None, {"GET": set(ROLES), "POST": WRITE}),
    "api:extension-detail": ("extensions", RECORD),
    "api:force-majeure-period-list": (None, {"GET": set(ROLES), "POST": WRITE}),
    "api:force-majeure-period-detail": ("force-majeure", RECORD),
    "api:notice-list": (None, {"GET": set(ROLES), "POST": WRITE}),
    "api:notice-detail": ("notices", RECORD),
    "api:transfer-request-list": (None, {"GET": set(ROLES), "POST": WRITE}),
    "api:transfer-request-detail": ("transfers", RECORD),
    "api:unreachable-record-list": (None, {"GET": set(ROLES), "POST": WRITE}),
    "api:unreachable-record-detail": ("unreachable", RECORD),
    "api:status-history-list": (None, {"GET": set(ROLES)}),
    "api:status-history-detail": ("status", {"GET": set(ROLES)}),
    "api:document-list": (None, {"GET": set(ROLES)}),
    "api:document-detail": ("document", {"GET": set(ROLES)}),
    "api:document-download": ("document", {"GET": set(ROLES)}),
    "api:flag-list": (None, {"GET": set(ROLES)}),
    "api:flag-detail": ("flag", {"GET": set(ROLES)}),
    "api:flag-steps": ("flag", {"GET": set(ROLES), "POST": WORK}),
    "api:scan-run-list": (None, {"GET": set(ROLES)}),
    "api:scan-run-detail": ("scan", {"GET": set(ROLES)}),
    "api:target-list": (None, {"GET": set(ROLES), "POST": TARGETS}),
    "api:target-detail": ("target", {"GET": set(ROLES), "PATCH": TARGETS, "PUT": TARGETS}),
    "api:coming-due-list": (None, {"GET": WORK}),
}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
UNSCOPED = {"investor", "target", "scan"}


def api_route_names(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from api_route_names(pattern, ns)
        elif pattern.name and namespace == "api:":
            yield namespace + pattern.name


def test_every_api_route_is_in_the_matrix():
    assert set(api_route_names()) == set(API_ROUTES), "add the new API route to API_ROUTES"


def _targets(world, target):
    objects, _users = world
    if target is None:
        return [(None, None)]
    if target == "scan":
        from django.utils import timezone

        from projects.models import Scan

        scan = Scan.objects.create(started_at=timezone.now(), as_of=timezone.localdate())
        return [(scan.pk, None)]
    found = []
    for scope in "AB":
        if target in objects:
            obj = objects[target][scope]
        elif target == "status":
            from datetime import date

            obj, _created = ProjectStatusChange.objects.get_or_create(
                project=objects["project"][scope], status="registered", effective_on=date(2025, 1, 1))
        else:
            obj = objects["records"][scope][target]
        found.append((obj.pk, None if target in UNSCOPED else scope))
    return list(dict.fromkeys(found))


def _call(client, method, url):
    body = [] if url.endswith("/bulk/") else {}
    return getattr(client, method.lower())(url, body, format="json")


@pytest.mark.parametrize("name", sorted(API_ROUTES))
def test_anonymous_callers_are_refused_not_redirected(world, api, name):
    target, methods = API_ROUTES[name]
    for pk, _scope in _targets(world, target):
        url = reverse(name, args=[pk] if pk else [])
        for method in methods:
            response = _call(api(), method, url)
            if name == "api:docs":  # the documentation is a page: to the login, as every page
                assert response.status_code == 302 and response.url.startswith("/login/")
                continue
            assert response.status_code == 401, (method, url)
            assert "json" in response["Content-Type"]


def _expected(role, method, allowed, scope, name):
    if method not in allowed:
        return {403, 405}  # the route has no such method: refused by the permission or as not allowed
    if role not in allowed[method]:
        return 403
    if role == "commune_officer" and scope == "B":
        return 404
    if method == "GET":
        return 200
    if method == "POST":
        return 400  # an empty body: the data is not valid (nothing written)
    return 428  # PUT, PATCH, DELETE without If-Match


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(API_ROUTES))
def test_every_api_route_for_every_role(world, api, tokens, name, role):
    target, allowed = API_ROUTES[name]
    client = api(role)
    if name == "api:docs":  # a page for people: the browser's session
        _objects, users = world
        client.force_login(users[role])
    for pk, scope in _targets(world, target):
        url = reverse(name, args=[pk] if pk else [])
        for method in METHODS:
            if name in ("api:schema", "api:docs") and method != "GET":
                continue
            before = _snapshot() if method != "GET" else None
            response = _call(client, method, url)
            expected = _expected(role, method, allowed, scope, name)
            if isinstance(expected, set):
                assert response.status_code in expected, (role, method, url, response.content[:200])
            else:
                assert response.status_code == expected, (role, method, url, response.content[:200])
            if before is not None:
                assert _snapshot() == before, (role, method, url)
