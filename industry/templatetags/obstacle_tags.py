"""The unresolved obstacles of a cluster or a project, as a panel on their pages. The clusters and projects apps do
not import the industry app (industry depends on them, .importlinter): their templates load this tag library, and
the tag reads through industry's selector when the page is rendered."""
from django import template

from industry.models import Obstacle
from industry.selectors.obstacles import unresolved_obstacles
from tracker import access

register = template.Library()


@register.inclusion_tag("industry/obstacle_panel.html", takes_context=True)
def obstacle_panel(context, cluster=None, project=None):
    """Open and overdue obstacles of `cluster` (its projects' included) or of `project`: one query, none for a user
    who may not read obstacles."""
    request = context["request"]
    user = request.user
    can_view = access.can(user, Obstacle, "view")
    rows = unresolved_obstacles(user=user, cluster=cluster, project=project) if can_view else []
    return {
        "request": request,
        "can_view": can_view,
        "obstacles": rows,
        "overdue": sum(1 for row in rows if row.overdue),
        "cluster": cluster,
        "project": project,
        "can_add": can_view and access.can(user, Obstacle, "add") and context.get("can_change", False),
    }
