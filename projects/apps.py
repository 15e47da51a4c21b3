"""Investors, secondary projects (dự án thứ cấp) and what is recorded about them."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Secondary projects")

    def ready(self):
        # Register the background tasks, which are queued by name (tracker.queue) rather than imported by the
        # modules that queue them; the worker and the web processes then know the same tasks.
        from projects.imports import tasks as _import_tasks  # noqa: F401
        from projects.watchlist import tasks as _watchlist_tasks  # noqa: F401
