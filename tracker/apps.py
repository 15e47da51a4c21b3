"""The project package is also an app: it owns shared templates tags, the home page and the worker heartbeat."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Tracker")
