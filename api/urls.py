"""/api/v1/: the REST API, its OpenAPI schema and its documentation page. DRF authenticates each request itself
(token or session): the site's LoginRequiredMiddleware lets these URLs through (login_not_required) instead of
sending an API client to the login page (DRF marks its views so itself; _open says it here too), and the API's
permission classes refuse anonymous callers (401). The documentation page is a page: login as everywhere."""
from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import views
from api.permissions import ModelPermission

router = SimpleRouter()
router.register("communes", views.CommuneViewSet, basename="commune")
router.register("clusters", views.ClusterViewSet, basename="cluster")
router.register("investors", views.InvestorViewSet, basename="investor")
router.register("projects", views.ProjectViewSet, basename="project")
for prefix, viewset in views.RECORD_VIEWSETS.items():
    router.register(prefix, viewset, basename=prefix.rstrip("s") if prefix != "status-history" else prefix)
router.register("flags", views.FlagViewSet, basename="flag")
router.register("scan-runs", views.ScanViewSet, basename="scan-run")
router.register("targets", views.TargetViewSet, basename="target")
router.register("coming-due", views.ComingDueViewSet, basename="coming-due")


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema, JSON by default (`?format=yaml` for YAML)."""

    permission_classes = [ModelPermission]
    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's static files, its settings in a script file: same-origin CSP."""

    permission_classes = [ModelPermission]
    url_name = "api:schema"


def _open(patterns):
    for pattern in patterns:
        pattern.callback.login_required = False
    return patterns


def _page(view):
    view.login_required = True  # DRF marks its views login_not_required; this one is a page
    return view


app_name = "api"
urlpatterns = [
    # A page for people: an anonymous visitor goes to the login page, as everywhere on the site.
    # Swagger UI sets style attributes from its script; the page may apply inline styles (never inline scripts).
    path("docs/", _page(csp_update({"style-src": ["'unsafe-inline'"]})(DocsView.as_view())), name="docs"),
    *_open([path("schema/", login_not_required(SchemaView.as_view()), name="schema"), *router.urls]),
]
