"""Industrial clusters (cụm công nghiệp) and the administrative units they lie in."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "clusters"
    verbose_name = _("Industrial clusters")
