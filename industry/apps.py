"""The province's industry picture beyond the clusters: the monthly production index (IIP) and electricity against
the year's targets, the obstacles that hold clusters and projects back, the clusters' infrastructure and the year's
industry-promotion (khuyến công) schemes."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndustryConfig(AppConfig):
    name = "industry"
    verbose_name = _("Industry")

    def ready(self):
        # The statistics office's monthly table as kinds of the import engine (projects/imports)
        from industry.services.production_import import register_production_imports

        register_production_imports()
        # The cluster list's filter and the cluster export read the wastewater plant as the cluster page does
        # (clusters.reported: clusters may not import industry).
        from clusters import reported
        from industry.selectors.infrastructure import wastewater_expressions

        for fact in ("wastewater_built", "wastewater_compliant"):
            reported.register(fact, wastewater_expressions(fact))
