"""The import pages' forms: the upload and the confirmation."""
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tracker.forms import TrackerForm
from projects.imports.specs import KINDS, ORDER


class ImportUploadForm(TrackerForm):
    """Upload of a file in the shape of the import template."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("An Excel workbook (.xlsx) in the shape of the import template, or a CSV file of one kind."),
    )
    csv_kind = forms.ChoiceField(
        label=_("Kind of data (for a CSV file)"),
        required=False,
        choices=lambda: [("", _("Recognise it from the columns"))] + [(key, KINDS[key].label) for key in ORDER],
        help_text=_("An Excel file says it by its sheets' columns."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB. Split it into smaller files.") % {"limit": limit}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class ImportConfirmForm(TrackerForm):
    change_reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=100,
        required=False,
        help_text=_("Kept in the change history of every record the import writes."),
    )
