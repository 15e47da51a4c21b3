"""The reports pages: the list of reports, form 04 and form 03 as a page and as xlsx, the watchlist report as xlsx
and PDF. Access: form 04 is the whole province's, so only roles that see every commune get it; form 03 is any
commune the user may see; the watchlist report holds the flags the user may see."""
from django import forms
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxValueValidator
from django.http import HttpResponse
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster, Commune
from projects.models import Flag, Project
from projects.watchlist.coming_due import due_rows, parse_items
from projects.watchlist.selectors import flag_list
from tracker.reports.letters import letter_header, letters, letters_docx
from tracker.reports.indicators import HALF_YEAR, PERIOD_LABELS, YEAR, cutoff_date, form_indicators, latest_period
from tracker.reports.official import form_document, form_xlsx, watchlist_header, watchlist_xlsx
from tracker.reports.pdf import render_pdf
from tracker.reports.watchlist import watchlist_report
from tracker import access
from tracker.forms import TrackerForm

FIRST_YEAR = 2000
REPORT_FILTERS = ("rule", "severity", "commune", "former_district", "state")  # of the watchlist's filters
OFFICIAL_LANGUAGE = "vi"  # the files go to other authorities: always in Vietnamese


class PeriodForm(TrackerForm):
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR)
    period = forms.ChoiceField(label=_("Period"), choices=[(HALF_YEAR, PERIOD_LABELS[HALF_YEAR]), (YEAR, PERIOD_LABELS[YEAR])])

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].validators.append(MaxValueValidator(today.year))
        self.fields["year"].widget.attrs.update({"max": today.year})


def _period_form(request, today):
    """The period from the query string; missing entirely: the last report whose cut-off has passed."""
    if "year" not in request.GET and "period" not in request.GET:
        year, period = latest_period(today)
        return PeriodForm({"year": year, "period": period}, today=today, user=request.user)
    return PeriodForm(request.GET, today=today, user=request.user)


def _require_figures(user) -> None:
    access.require(user, Cluster, "view")
    access.require(user, Project, "view")


def _require_province(user) -> None:
    """Form 04 counts every commune: a user limited to some communes cannot see the province's figures."""
    _require_figures(user)
    if access.scoped_commune_ids(user) is not None:
        raise PermissionDenied


def index(request):
    _require_figures(request.user)
    today = timezone.localdate()
    form = _period_form(request, today)
    period = form.cleaned_data if form.is_valid() else dict(zip(("year", "period"), latest_period(today)))
    flags = flag_list(filters=request.GET, user=request.user) if access.can(request.user, Flag, "view") else None
    return render(request, "reports/index.html", {
        "form": form,
        "year": period["year"],
        "period": period["period"],
        "cutoff": cutoff_date(period["year"], period["period"]),
        "province": access.scoped_commune_ids(request.user) is None,
        "communes": access.restrict(Commune.objects.select_related("former_district").order_by("name"), request.user),
        "flag_filter": flags,
        "flag_fields": [flags.form[name] for name in REPORT_FILTERS] if flags else [],
        "title": _("Official reports"),
    })


def _form_report(request, commune, *, xlsx: bool):
    today = timezone.localdate()
    form = _period_form(request, today)
    if not form.is_valid():
        # A clear message next to the field, never a 500; the download link leads here too.
        return render(request, "reports/form_report.html", {"form": form, "commune": commune, "document": None},
                      status=400)
    year, period = form.cleaned_data["year"], form.cleaned_data["period"]
    cutoff = cutoff_date(year, period)
    if xlsx:
        with translation.override(OFFICIAL_LANGUAGE):
            indicators = form_indicators(cutoff=cutoff, commune=commune)
            document = form_document(indicators=indicators, year=year, period=period, commune=commune)
            number = "03" if commune else "04"
            suffix = f"-{commune.pk}" if commune else ""
            return form_xlsx(document, f"mau-{number}{suffix}-{year}-{period}")
    indicators = form_indicators(cutoff=cutoff, commune=commune)
    document = form_document(indicators=indicators, year=year, period=period, commune=commune)
    return render(request, "reports/form_report.html", {
        "form": form, "commune": commune, "document": document, "year": year, "period": period,
        "future": cutoff > today, "today": today,
    })


def form04(request):
    _require_province(request.user)
    return _form_report(request, None, xlsx=False)


def form04_xlsx(request):
    _require_province(request.user)
    return _form_report(request, None, xlsx=True)


def _commune(request, pk: int) -> Commune:
    _require_figures(request.user)
    return access.get_for_user(Commune.objects.all(), request.user, "view", pk=pk)


def form03(request, pk: int):
    return _form_report(request, _commune(request, pk), xlsx=False)


def form03_xlsx(request, pk: int):
    return _form_report(request, _commune(request, pk), xlsx=True)


def _watchlist_rows(request, today):
    access.require(request.user, Flag, "view")
    return watchlist_report(user=request.user, filters=request.GET, today=today)


def watchlist_report_xlsx(request):
    today = timezone.localdate()
    with translation.override(OFFICIAL_LANGUAGE):
        rows = _watchlist_rows(request, today)
        return watchlist_xlsx(rows, today, f"bao-cao-giam-sat-{today:%Y%m%d}")


def watchlist_report_pdf(request):
    today = timezone.localdate()
    with translation.override(OFFICIAL_LANGUAGE):
        rows = _watchlist_rows(request, today)
        pdf = render_pdf("reports/watchlist_pdf.html", {
            "rows": rows, "header": watchlist_header(today), "page_label": _("Page"),
        })
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bao-cao-giam-sat-{today:%Y%m%d}.pdf"'
    return response


def warning_letters_pdf(request):
    """The warning letters of one (project, rule) of the coming-due list, or of a selection (`item=<project>:<rule>`,
    by GET from a row's link or POST from the list's check boxes), one letter a page. Those who open the list (staff,
    leadership, commune officers for their communes) may print them; nothing is recorded here."""
    return _warning_letters(request, "pdf")


def warning_letters_docx(request):
    """The same letters as a Word document, for staff to edit before signing."""
    return _warning_letters(request, "docx")


def _warning_letters(request, fmt: str):
    access.require(request.user, Project, "view")
    if not (request.user.has_perm("projects.work_flag") or request.user.has_perm("projects.decide_flag")):
        raise PermissionDenied
    today = timezone.localdate()
    data = request.POST if request.method == "POST" else request.GET
    rows = due_rows(user=request.user, items=parse_items(data.getlist("item")), today=today)
    if not rows:
        messages.error(request, _("Choose at least one project of the list that is still coming due."))
        return redirect("watchlist:coming_due")
    with translation.override(OFFICIAL_LANGUAGE):
        header = letter_header(today)
        if fmt == "docx":
            content = letters_docx(letters(rows, today), header)
            content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        else:
            content = render_pdf("reports/warning_letter.html", {"letters": letters(rows, today), "header": header},
                                 stylesheet="reports/letter.css")
            content_type = "application/pdf"
    name = f"thu-canh-bao-{rows[0].project_code}" if len(rows) == 1 else f"thu-canh-bao-{today:%Y%m%d}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
