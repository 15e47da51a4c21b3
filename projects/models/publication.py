"""The public lists (Decree 102/2024 Art. 31(3), Resolution 254/2025 Art. 4(8), Decree 32/2024 Art. 19(5)): each
approved publication of a list is a frozen snapshot of its public fields, with its version and who approved it.
The public pages show the last approved version of each list, never live data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Publication(models.Model):
    """One approved version of one public list: its rows as published (only public fields), frozen at approval."""

    class Kind(models.TextChoices):
        LAND_UNUSED = "dat-khong-su-dung-12-thang", _("Projects whose land has been unused for 12 months")
        LAND_DELAY = "cham-tien-do-24-thang", _("Projects whose land use is 24 months behind schedule")
        EXTENDED = "dang-gia-han", _("Projects whose land use has been extended")
        FORCE_MAJEURE = "bat-kha-khang", _("Projects delayed by force majeure")
        VIOLATIONS = "vi-pham-dat-dai", _("Land violations and their handling")
        UNLEASED = "dat-cong-nghiep-chua-cho-thue", _("Unleased industrial land per cluster")

    kind = models.CharField(_("list"), max_length=40, choices=Kind.choices)
    version = models.PositiveIntegerField(_("version"))
    rows = models.JSONField(_("rows as published"), default=list)
    # Who prepared the list (chuyên viên lập danh sách) and the leader who approved it: internal, never published.
    # Empty on the versions approved before it was recorded.
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("prepared by"), on_delete=models.PROTECT, related_name="+",
        null=True, blank=True,
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT, related_name="+"
    )
    approved_on = models.DateTimeField(_("approved on"))
    published_on = models.DateField(_("published on"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="publication_one_version_per_kind"),
        ]
        permissions = [("approve_publication", _("Can approve the publication of a public list"))]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"
