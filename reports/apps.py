"""Official reports: Circular 14/2024/TT-BCT forms 03 and 04, and the watchlist report to the People's Committee."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Official reports")
