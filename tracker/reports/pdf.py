"""The watchlist report as a printable PDF (A4 landscape, page numbers), rendered by WeasyPrint with the DejaVu
fonts, which carry every Vietnamese letter. WeasyPrint needs Pango (libpango-1.0, libpangoft2-1.0) on the machine."""
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string


def _fetcher():
    """Fetch nothing but the font files: the report holds user text, and no URL in it may reach the network or
    another file."""
    from weasyprint.urls import URLFetcher

    allowed = Path(settings.REPORT_FONT_DIR).resolve().as_uri() + "/"

    class FontOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(allowed):
                raise ValueError(f"not fetched: {url}")
            return super().fetch(url, headers)

    return FontOnlyFetcher(allowed_protocols={"file"})


def render_pdf(template: str, context: dict, stylesheet: str = "reports/print.css") -> bytes:
    from weasyprint import CSS, HTML  # imported here: the rest of the site runs without Pango

    fonts = Path(settings.REPORT_FONT_DIR).resolve()
    fetcher = _fetcher()
    css = render_to_string(stylesheet, {
        "regular": (fonts / "DejaVuSans.ttf").as_uri(), "bold": (fonts / "DejaVuSans-Bold.ttf").as_uri(),
        "italic": (fonts / "DejaVuSans-Oblique.ttf").as_uri(), **context,
    })
    html = render_to_string(template, context)
    return HTML(string=html, base_url=fonts.as_uri() + "/", url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(string=css, url_fetcher=fetcher)]
    )
