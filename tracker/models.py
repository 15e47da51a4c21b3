"""The worker heartbeat: proof that Celery beat and a worker are running, read by the health check."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class WorkerHeartbeat(models.Model):
    """One row per worker host, touched by the `heartbeat` task that Celery beat queues every minute."""

    hostname = models.CharField(_("worker"), max_length=255, unique=True)
    last_seen = models.DateTimeField(_("last seen"))
    beats = models.PositiveBigIntegerField(_("beats"), default=0)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.hostname


class AccessScope(models.Model):
    """The communes a commune officer (cán bộ xã) is assigned to; other roles reach every commune."""

    user = models.OneToOneField(
        "auth.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="access_scope"
    )
    communes = models.ManyToManyField("clusters.Commune", verbose_name=_("communes and wards"), blank=True)

    class Meta:
        verbose_name = _("commune assignment")
        verbose_name_plural = _("commune assignments")
        permissions = [("access_all_communes", _("Can reach the data of every commune"))]

    def __str__(self) -> str:
        return str(self.user)


class PasswordState(models.Model):
    """Whether a user must change their password before anything else (set by an administrator in the admin,
    cleared by the change), and when they last changed it; the history keeps who asked and when it was done."""

    user = models.OneToOneField(
        "auth.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="password_state"
    )
    must_change = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Every page sends the user to the password change page until they change their password."),
    )
    changed_at = models.DateTimeField(_("password last changed"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("password state")
        verbose_name_plural = _("password states")

    def __str__(self) -> str:
        return str(self.user)
