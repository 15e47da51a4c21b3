"""The province's industry picture beyond the clusters: the monthly production index (IIP) and electricity against
the year's targets, the obstacles that hold clusters and projects back, the clusters' infrastructure and the year's
industry-promotion (khuyến công) schemes."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndustryConfig(AppConfig):
    name = "industry"
    verbose_name = _("Industry")
