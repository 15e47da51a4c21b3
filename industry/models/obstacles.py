"""Obstacles (khó khăn, vướng mắc) that hold a cluster or a project back, with the dated actions taken on them. An
obstacle the State caused that blocks the use of the land can become the basis of a force-majeure period on its
project (Decree 102/2024 Art. 31(1),(4)): the link is kept here, so the projects app knows nothing of obstacles."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import Cluster
from projects.models import ForceMajeurePeriod, Project


class Obstacle(models.Model):
    # The cluster is always stored (taken from the project when only the project is named), so the commune is found
    # the same way for every obstacle.
    commune_path = "cluster__commune"

    class Kind(models.TextChoices):
        LAND_CLEARANCE = "land_clearance", _("Land clearance")
        POWER_GRID = "power_grid", _("Power-grid connection")
        WATER = "water", _("Water supply")
        WASTEWATER = "wastewater", _("Wastewater")
        ROADS = "roads", _("Roads")
        PROCEDURES = "procedures", _("Procedures")
        CAPITAL = "capital", _("Capital")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        ESCALATED = "escalated", _("Escalated")
        RESOLVED = "resolved", _("Resolved")

    # Not resolved: the obstacle still holds the cluster or the project back.
    UNRESOLVED = (Status.OPEN, Status.IN_PROGRESS, Status.ESCALATED)

    title = models.CharField(_("obstacle"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("industrial cluster"), on_delete=models.PROTECT, related_name="obstacles",
        null=True, blank=True,
    )
    project = models.ForeignKey(
        Project, verbose_name=_("secondary project"), on_delete=models.PROTECT, related_name="obstacles",
        null=True, blank=True,
    )
    agency = models.CharField(
        _("responsible agency"), max_length=200,
        help_text=_("The agency that must clear it, for example Sở Tài nguyên và Môi trường, Điện lực, UBND xã."),
    )
    raised_on = models.DateField(_("raised on"))
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    # The force-majeure period this obstacle is the basis of (Decree 102/2024 Art. 31(1),(4)), set by the conversion.
    force_majeure_period = models.OneToOneField(
        ForceMajeurePeriod, verbose_name=_("force-majeure period"), on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="obstacle",
    )
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_on", "-pk"]
        verbose_name = _("obstacle")
        verbose_name_plural = _("obstacles")
        indexes = [models.Index(fields=["status", "target_date"]), models.Index(fields=["raised_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(cluster__isnull=False),
                name="obstacle_has_cluster",
                violation_error_message=_("Choose the cluster or the project the obstacle holds back."),
            ),
            models.CheckConstraint(
                condition=Q(target_date__isnull=True) | Q(target_date__gte=F("raised_on")),
                name="obstacle_target_after_raised",
                violation_error_message=_("The target date cannot be before the day the obstacle was raised."),
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("raised_on")),
                name="obstacle_resolved_after_raised",
                violation_error_message=_("An obstacle cannot be resolved before the day it was raised."),
            ),
            models.CheckConstraint(
                condition=Q(status="resolved", resolved_on__isnull=False) | (~Q(status="resolved") & Q(resolved_on__isnull=True)),
                name="obstacle_resolved_on_iff_resolved",
                violation_error_message=_("A resolved obstacle needs the day it was resolved; any other has none."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("industry:obstacle_detail", args=[self.pk])

    @property
    def is_resolved(self) -> bool:
        return self.status == self.Status.RESOLVED

    def is_overdue(self, today=None) -> bool:
        """Past its target date and not resolved."""
        today = today or timezone.localdate()
        return not self.is_resolved and self.target_date is not None and self.target_date < today

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    def clean(self):
        errors = {}
        if self.project_id is not None:
            project_cluster = Project.objects.filter(pk=self.project_id).values_list("cluster_id", flat=True).first()
            if self.cluster_id is None:
                self.cluster_id = project_cluster
            elif project_cluster is not None and project_cluster != self.cluster_id:
                errors["project"] = _("This project is in another cluster; choose its own cluster or leave the "
                                      "cluster empty.")
        elif self.cluster_id is None:
            errors["cluster"] = _("Choose the cluster or the project the obstacle holds back.")
        today = timezone.localdate()
        if self.raised_on and self.raised_on > today:
            errors["raised_on"] = _("An obstacle cannot be raised in the future.")
        if self.status == self.Status.RESOLVED and not self.resolved_on:
            errors["resolved_on"] = _("Give the day the obstacle was resolved.")
        elif self.resolved_on and self.status != self.Status.RESOLVED:
            errors["resolved_on"] = _("Only a resolved obstacle has a resolved date; empty it or set the status to "
                                      "resolved.")
        elif self.resolved_on and self.raised_on and self.resolved_on < self.raised_on:
            errors["resolved_on"] = _("An obstacle cannot be resolved before the day it was raised.")
        elif self.resolved_on and self.resolved_on > today:
            errors["resolved_on"] = _("The resolved date cannot be in the future.")
        if self.target_date and self.raised_on and self.target_date < self.raised_on:
            errors["target_date"] = _("The target date cannot be before the day the obstacle was raised.")
        if errors:
            raise ValidationError(errors)


class ObstacleAction(models.Model):
    """One dated step taken to clear an obstacle (a meeting, a letter, a site visit, a decision)."""

    commune_path = "obstacle__cluster__commune"

    obstacle = models.ForeignKey(Obstacle, verbose_name=_("obstacle"), on_delete=models.CASCADE, related_name="actions")
    taken_on = models.DateField(_("date"))
    description = models.TextField(_("action taken"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-taken_on", "-pk"]
        verbose_name = _("action on an obstacle")
        verbose_name_plural = _("actions on obstacles")

    def __str__(self) -> str:
        return f"{self.taken_on:%d/%m/%Y}: {self.description[:60]}"

    def clean(self):
        if self.taken_on is None:
            return
        if self.taken_on > timezone.localdate():
            raise ValidationError({"taken_on": _("An action cannot be dated in the future.")})
        raised_on = Obstacle.objects.filter(pk=self.obstacle_id).values_list("raised_on", flat=True).first()
        if raised_on is not None and self.taken_on < raised_on:
            raise ValidationError({"taken_on": _("An action cannot be dated before the obstacle was raised (%(date)s).")
                                   % {"date": raised_on.strftime("%d/%m/%Y")}})
