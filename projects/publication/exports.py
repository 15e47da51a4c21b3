"""A public list's approved version as xlsx (through tracker.exports, so no text becomes a formula) and as PDF
(WeasyPrint, as the official reports), in the reader's language."""
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language, gettext as _

from projects.publication.columns import FIELDS, value
from tracker.exports import Column, export_response
from tracker.reports.pdf import render_pdf


def _columns(kind) -> list[Column]:
    return [Column(str(field.label), field.key, lambda row, field=field: value(field, row)) for field in FIELDS[kind]]


def filename(publication) -> str:
    return f"cong-khai-{publication.kind}-v{publication.version}"


def publication_xlsx(publication):
    return export_response(publication.rows, _columns(publication.kind), "xlsx", filename(publication))


PDF_CACHE_SECONDS = 24 * 3600


def publication_pdf(publication, context: dict):
    """The PDF of one approved version, rendered once per language and kept in the cache (a version never changes;
    WeasyPrint is the costly part of a public page)."""
    key = f"public-list-pdf:{publication.kind}:{publication.version}:{publication.approved_on.timestamp()}:{get_language()}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf("publication/list_pdf.html", context | {"page_label": _("Page")})
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(publication)}.pdf"'
    return response
