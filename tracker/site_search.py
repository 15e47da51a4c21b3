"""The search page: clusters, investors and projects found by one search box, each group with its count and pages.

The matching is the lists' (tracker.search.matching over each model's stored search text), and every group goes
through the door (tracker.access.restrict): a commune officer finds only their communes' clusters and projects.
"""
from dataclasses import dataclass
from urllib.parse import quote_plus

from django.core.paginator import Page, Paginator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from projects.models import Investor, Project
from tracker.access import restrict
from tracker.search import matching, search_words

PER_PAGE = 10
MAX_QUERY = 200  # characters of the search box read; the rest is ignored


@dataclass
class Group:
    key: str  # also the prefix of its page parameter: clusters_page
    title: str
    page: Page
    list_url: str  # the full list, filtered by the same words

    @property
    def page_param(self) -> str:
        return f"{self.key}_page"


def clean_query(value) -> str:
    return " ".join((value or "")[:MAX_QUERY].split())


def site_search(*, user, query: str, pages: dict) -> list[Group]:
    """The three groups for a query with at least one word (an empty query searches nothing: see the view)."""
    sources = (
        ("clusters", _("Industrial clusters"), "clusters:list",
         Cluster.objects.select_related("commune").order_by("code", "pk")),
        ("investors", _("Investors"), "investors:list", Investor.objects.order_by("name", "pk")),
        ("projects", _("Secondary projects"), "projects:list",
         Project.objects.select_related("cluster", "investor").order_by("code", "pk")),
    )
    groups = []
    for key, title, list_name, queryset in sources:
        rows = matching(restrict(queryset, user, "view"), query)
        page = Paginator(rows, PER_PAGE).get_page(pages.get(f"{key}_page"))
        groups.append(Group(key=key, title=title, page=page,
                            list_url=f"{reverse(list_name)}?q={quote_plus(query)}"))
    return groups


def has_words(query: str) -> bool:
    return bool(search_words(query))
