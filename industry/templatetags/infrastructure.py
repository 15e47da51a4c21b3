"""The cluster page's infrastructure panel, drawn by a template tag: clusters never imports industry (the cluster
template loads this library; no Python module of clusters does), so the dependency runs one way, industry → clusters."""
from django import template
from django.utils import timezone

from industry.models.infrastructure import InfrastructureItem
from industry.selectors.infrastructure import WASTEWATER_LABELS, cluster_items, cluster_totals, expansion_check
from tracker import access

register = template.Library()


@register.inclusion_tag("industry/infrastructure_panel.html", takes_context=True)
def cluster_infrastructure_panel(context, cluster):
    """The items of `cluster` (already fetched for the user, with its occupancy_pct from cluster_queryset), their
    totals and the expansion check of Decree 32/2024 Art. 8(2): one query, none for a user who may not see them."""
    user = context["request"].user
    visible = access.can(user, InfrastructureItem, "view")
    items = cluster_items(cluster=cluster, user=user) if visible else []
    check = expansion_check(occupancy_pct=cluster.occupancy_pct, items=items, day=timezone.localdate())
    return {
        "cluster": cluster,
        "visible": visible,
        "items": items,
        "totals": cluster_totals(items),
        "check": check,
        "wastewater_label": WASTEWATER_LABELS[check["completeness"].wastewater],
        "request": context["request"],
    }
