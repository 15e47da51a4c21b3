"""A public list's approved version as xlsx (through tracker.exports, so no text becomes a formula) and as PDF
(WeasyPrint, as the official reports), in the reader's language."""
from django.http import HttpResponse
from django.utils.translation import gettext as _

from projects.publication.columns import FIELDS, value
from tracker.exports import Column, export_response
from tracker.reports.pdf import render_pdf


def _columns(kind) -> list[Column]:
    return [Column(str(field.label), field.key, lambda row, field=field: value(field, row)) for field in FIELDS[kind]]


def filename(publication) -> str:
    return f"cong-khai-{publication.kind}-v{publication.version}"


def publication_xlsx(publication):
    return export_response(publication.rows, _columns(publication.kind), "xlsx", filename(publication))


def publication_pdf(publication, context: dict):
    pdf = render_pdf("publication/list_pdf.html", context | {"page_label": _("Page")})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(publication)}.pdf"'
    return response
