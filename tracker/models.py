"""The worker heartbeat: proof that Celery beat and a worker are running, read by the health check."""
from django.db import models
from django.utils.translation import gettext_lazy as _


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
