"""The import jobs of the browser: an uploaded file, its preview and its outcome."""
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _



def import_upload_to(job, filename: str) -> str:
    return f"imports/{timezone.localdate():%Y/%m}/{filename}"


class ImportJob(models.Model):
    """One uploaded import file: checked into a preview, then, once confirmed, written all or nothing.

    The file and the preview are kept so that the page survives a reload and a large file can be handled by a
    Celery task; only the person who uploaded it sees it."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking the file")
        INVALID = "invalid", _("Problems found; nothing imported")
        READY = "ready", _("Checked; waiting for confirmation")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Stopped by an unexpected error; nothing imported")

    RUNNING = (Status.CHECKING, Status.IMPORTING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    file = models.FileField(_("file"), upload_to=import_upload_to)
    filename = models.CharField(_("file name"), max_length=255)
    csv_kind = models.CharField(_("kind of data (CSV)"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True, help_text=_("Of the messages."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CHECKING)
    change_reason = models.CharField(_("reason for the change"), max_length=100, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    deadline_at = models.DateTimeField(
        _("deadline"), null=True, blank=True,
        help_text=_("A job still checking or importing after this moment is marked failed: its worker died."),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("imports:detail", args=[self.pk])

    @property
    def running(self) -> bool:
        return self.status in self.RUNNING
