"""Investors, secondary projects (dự án thứ cấp) and what is recorded about them."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Secondary projects")
