"""/api/v1/: the REST API, its OpenAPI schema and its documentation page. DRF authenticates each request itself
(token or session): the site's LoginRequiredMiddleware lets these URLs through (login_not_required) instead of
sending an API client to the login page, and the API's permission classes refuse anonymous callers (401)."""
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
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
    permission_classes = [ModelPermission]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's static files, its settings in a script file: same-origin CSP."""

    permission_classes = [ModelPermission]
    url_name = "api:schema"


def _open(patterns):
    for pattern in patterns:
        pattern.callback.login_required = False
    return patterns


app_name = "api"
urlpatterns = _open([
    path("schema/", login_not_required(SchemaView.as_view()), name="schema"),
    path("docs/", login_not_required(DocsView.as_view()), name="docs"),
    *router.urls,
])
