"""The home page and the error pages."""
from django.db.models import Count, Sum
from django.shortcuts import render
from django.template import loader
from django.http import HttpResponseNotFound, HttpResponseServerError
from django.views.decorators.csrf import requires_csrf_token

from clusters.models import Cluster
from projects.models import Project
from tracker.access import restrict


def home(request):
    """An overview: clusters by stage and projects by status, each linking to its list."""
    clusters = restrict(Cluster.objects.all(), request.user, "view")
    projects = restrict(Project.objects.all(), request.user, "view")
    cluster_stages = dict(clusters.order_by().values_list("stage").annotate(n=Count("pk")))
    project_statuses = {
        row["status"]: row
        for row in projects.order_by()
        .values("status")
        .annotate(n=Count("pk"), capital=Sum("registered_capital_vnd"), land=Sum("land_area_ha"))
    }
    context = {
        "cluster_rows": [(value, label, cluster_stages.get(value, 0)) for value, label in Cluster.Stage.choices],
        "project_rows": [
            (value, label, project_statuses.get(value, {}).get("n", 0), project_statuses.get(value, {}).get("capital"))
            for value, label in Project.Status.choices
        ],
        "cluster_total": sum(cluster_stages.values()),
        "project_total": sum(row["n"] for row in project_statuses.values()),
        "capital_total": sum(row["capital"] or 0 for row in project_statuses.values()),
    }
    return render(request, "home.html", context)


def page_not_found(request, exception=None):
    return HttpResponseNotFound(render(request, "404.html", status=404).content)


@requires_csrf_token
def server_error(request):
    # No context processors: whatever broke the page may break them too.
    return HttpResponseServerError(loader.get_template("500.html").render({}))


def debug_500(request):  # pragma: no cover - only mounted with DEBUG, to look at the 500 page
    raise RuntimeError("Test of the error page")
