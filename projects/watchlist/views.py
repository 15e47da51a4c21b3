"""The watchlist pages: open flags for leadership, a flag with its evidence and review, the review step form."""
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import ComingDueDigestOptOut, Flag, Project, ReviewStep, Rule, Severity
from projects.watchlist.coming_due import (
    DEFAULT_HORIZON, attach_projects, due_counts, due_deadlines, due_rows, due_rows_of, parse_items, warning_letters_record,
    what_stops_it,
)
from projects.watchlist.evidence import short_name
from projects.watchlist.reviews import STEPS, allowed_steps, recovery_next, review_step_record
from projects.watchlist.exports import FLAG_COLUMNS
from projects.watchlist.forms import ComingDueForm, ReviewStepForm
from projects.watchlist.rules import GROUNDS, describe
from projects.watchlist.selectors import flag_list, flag_queryset, last_successful_scan
from projects.selectors import project_deadlines
from tracker import access
from tracker.roles import COMMUNE_OFFICER, LEADERSHIP
from tracker.exports import FORMATS, Column, export_response
from tracker.generic import PAGE_SIZES, ExportView, FilteredListView, apply_validation_error, asks_for_filters

class WatchlistView(FilteredListView):
    model = Flag
    template_name = "projects/watchlist/watchlist.html"
    list_selector = staticmethod(flag_list)
    export_url_name = "watchlist:export"
    title = _("Watchlist")

    def paginate(self, queryset):
        """The page's flags in two steps: first the ids of the page, sorted over the open flags with only the
        columns the order needs (severity, since, the flag's copy of the project's code: the index
        flag_open_by_severity), then those 25–100 flags with the seven tables the page shows. Sorting every open flag
        joined to the seven tables to show 50 cost 0,8 s at 100,000 projects (docs/benchmarks.md). Unfiltered, the
        list is every open flag the user may see, which the counts by rule add up to: no COUNT of its own."""
        paginator = Paginator(queryset.values_list("pk", flat=True), self.page_size())
        if not self.filtered():
            paginator.count = sum(row["n"] for row in self.rule_counts().values())
        page = paginator.get_page(self.request.GET.get("page"))
        ids = list(page.object_list)
        by_id = {flag.pk: flag for flag in queryset.order_by().filter(pk__in=ids)}
        page.object_list = [by_id[pk] for pk in ids if pk in by_id]
        return paginator, page

    def rule_counts(self) -> dict:
        """The open flags the user may see, by the rule's id (no join to the rules over every open flag): {rule id:
        {"n", "critical"}}, read once per request."""
        if not hasattr(self, "_rule_counts"):
            open_flags = access.restrict(Flag.objects.filter(cleared_at__isnull=True), self.request.user, "view")
            self._rule_counts = {
                row["rule_id"]: row
                for row in open_flags.order_by().values("rule_id").annotate(
                    # COUNT(*) and COUNT(severity), not COUNT(id): the index flag_open_counts answers them alone (an
                    # index-only scan). Django refuses COUNT(*) with a filter; severity is never null.
                    n=Count("*"), critical=Count("severity", filter=Q(severity=Severity.CRITICAL))
                )
            }
        return self._rule_counts

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = self.rule_counts()
        rules = list(Rule.objects.order_by("code"))
        scan = last_successful_scan()
        stale = scan is None or timezone.now() - scan.finished_at > timezone.timedelta(hours=settings.WATCHLIST_STALE_HOURS)
        today = timezone.localdate()
        for flag in context["object_list"]:
            flag.description = describe(flag.rule.code, flag.evidence, today)
            flag.days_open = (today - flag.since).days
        context.update(
            {
                "rule_counts": [(rule, counts.get(rule.pk, {}).get("n", 0), counts.get(rule.pk, {}).get("critical", 0)) for rule in rules],
                "last_scan": scan,
                "scan_stale": stale,
                "stale_hours": settings.WATCHLIST_STALE_HOURS,
            }
        )
        return context


def _extension_end(flag):
    end = (flag.evidence or {}).get("extension_end") if (flag.evidence or {}).get("clock_state") == "extended" else None
    return date.fromisoformat(end) if end else None


def _last_confirmed(flag):
    """A full scan does not rewrite the flags it keeps: an open flag was confirmed by the last successful full scan
    that finished after it was first seen."""
    if flag.cleared_at is not None:
        return flag.last_confirmed
    scan = last_successful_scan()
    if scan is not None and scan.finished_at and scan.finished_at > flag.last_confirmed:
        return scan.finished_at
    return flag.last_confirmed


def flag_detail(request, pk: int):
    flag = access.get_for_user(flag_queryset(), request.user, "view", pk=pk)
    today = timezone.localdate()
    project_flags = access.restrict(flag_queryset(), request.user, "view").filter(project=flag.project).order_by("-first_seen")
    steps = flag.steps.select_related("user", "assignee", "extension")
    return render(
        request,
        "projects/watchlist/flag_detail.html",
        {
            "flag": flag,
            "description": describe(flag.rule.code, flag.evidence, today),
            "deadlines": project_deadlines(flag.project),
            "ground_article": GROUNDS[flag.rule.code].article if flag.ground and flag.rule.code in GROUNDS else "",
            "extension_end": _extension_end(flag),
            "recovery": recovery_next(flag, steps, today),
            "last_confirmed": _last_confirmed(flag),
            "project_flags": project_flags,
            "steps": steps,
            "allowed_steps": [(action, ReviewStep.Action(action).label) for action in allowed_steps(flag, request.user)],
        },
    )


def review_step(request, pk: int):
    flag = access.get_for_user(flag_queryset(), request.user, "view", pk=pk)
    if not (request.user.has_perm("projects.work_flag") or request.user.has_perm("projects.decide_flag")):
        raise PermissionDenied
    if request.method == "POST":
        form = ReviewStepForm(request.POST, request.FILES, user=request.user, flag=flag)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                review_step_record(flag=flag, user=request.user, **data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Recorded: %(step)s.") % {"step": ReviewStep.Action(data["action"]).label})
                return redirect(flag.get_absolute_url())
    else:
        initial = {"action": request.GET.get("action")} if request.GET.get("action") in STEPS else {}
        form = ReviewStepForm(user=request.user, flag=flag, initial=initial)
    return render(request, "projects/watchlist/review_step.html", {"flag": flag, "form": form, "title": _("Record a review step")})


class FlagExportView(ExportView):
    model = Flag
    list_selector = staticmethod(flag_list)
    columns = FLAG_COLUMNS
    filename = "danh-sach-giam-sat"


def _require_coming_due(user):
    """Leadership, staff and commune officers (their communes): those who work the flags."""
    access.require(user, Project, "view")
    if not (user.has_perm("projects.work_flag") or user.has_perm("projects.decide_flag")):
        raise PermissionDenied


def _coming_due_rows(request):
    """The filter form and the stored coming dates it selects, sorted (a queryset), for the page and for the export
    (the same rows)."""
    user = request.user
    data = request.GET.copy()
    data.setdefault("days", str(DEFAULT_HORIZON))  # the select shows the window the list uses
    form = ComingDueForm(data, user=user)
    form.is_valid()
    data = form.cleaned_data  # the valid filters; a bad one is ignored, and the form says so
    days = data.get("days") or DEFAULT_HORIZON
    deadlines = due_deadlines(user=user, today=timezone.localdate(), days=days,
                              rule_codes=[data["rule"]] if data.get("rule") else None, commune=data.get("commune"),
                              order=data.get("o") or "crossing")
    return form, days, deadlines


class _Filter:
    """What includes/filter_form.html reads: the form."""

    def __init__(self, form):
        self.form = form


def coming_due_list(request):
    _require_coming_due(request.user)
    form, days, deadlines = _coming_due_rows(request)
    counts = due_counts(deadlines)
    paginator = Paginator(deadlines, _page_size(request))
    paginator.count = sum(counts.values())  # the counts by rule tell it: no COUNT query of its own
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = due_rows_of(page.object_list, timezone.localdate())
    attach_projects(page.object_list)
    for row in page.object_list:
        row.action = what_stops_it(row)
    return render(request, "projects/watchlist/coming_due.html", {
        "title": _("Coming due"),
        "filter": _Filter(form),
        "days": days,
        "page_obj": page,
        "object_list": page.object_list,
        "paginator": paginator,
        "page_sizes": PAGE_SIZES,
        "export_url": reverse("watchlist:coming_due_export"),
        "filtered": asks_for_filters(request.GET),
        "counts": sorted(counts.items()),
        "digest": _digest_state(request.user),
    })


def _digest_state(user):
    """Whether the user gets the weekly coming-due digest: None when it is not for them (no e-mail address, or not
    leadership nor commune officer)."""
    if not user.email or not user.groups.filter(name__in=[LEADERSHIP, COMMUNE_OFFICER]).exists():
        return None
    return not ComingDueDigestOptOut.objects.filter(user=user).exists()


def coming_due_digest_preference(request):
    """Stop or restart one's own weekly coming-due digest (a POST from the coming-due page)."""
    _require_coming_due(request.user)
    if request.method == "POST":
        if request.POST.get("digest") == "off":
            ComingDueDigestOptOut.objects.get_or_create(user=request.user)
            messages.success(request, _("You will no longer receive the weekly coming-due digest."))
        elif request.POST.get("digest") == "on":
            ComingDueDigestOptOut.objects.filter(user=request.user).delete()
            messages.success(request, _("You will receive the weekly coming-due digest."))
    return redirect("watchlist:coming_due")


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


COMING_DUE_COLUMNS = [
    Column(_("Project code"), "project_code", lambda r: r.project_code),
    Column(_("Project name"), "project_name", lambda r: r.project.name),
    Column(_("Investor"), "investor", lambda r: r.project.investor.name),
    Column(_("Cluster"), "cluster_name", lambda r: r.project.cluster.name),
    Column(_("Commune or ward"), "commune", lambda r: r.project.cluster.commune.name),
    Column(_("Rule"), "rule", lambda r: short_name(r.rule_code)),
    Column(_("Rule code"), "rule_code", lambda r: r.rule_code),
    Column(_("Crossed on"), "crossing", lambda r: r.crossing),
    Column(_("Days left"), "days_left", lambda r: r.days_left),
    Column(_("What would stop it"), "action", lambda r: what_stops_it(r)),
    Column(_("Last contact"), "last_contact", lambda r: r.last_contact[0] if r.last_contact else None),
    Column(_("Warned on"), "warned_on", lambda r: r.warned_on),
]


def coming_due_export(request):
    _require_coming_due(request.user)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        return HttpResponseBadRequest(_("Unknown export format; use csv or xlsx."))
    _form, _days, deadlines = _coming_due_rows(request)
    rows = due_rows_of(deadlines, timezone.localdate())
    attach_projects(rows)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return export_response(rows, COMING_DUE_COLUMNS, fmt, f"sap-den-han-{stamp}")


def warning_letters_sent(request):
    """Record that the warning letters of the chosen rows were sent today ("Ghi nhận đã gửi"): a POST from the
    coming-due list; downloading a letter records nothing."""
    _require_coming_due(request.user)
    if request.method != "POST":
        return redirect("watchlist:coming_due")
    rows = due_rows(user=request.user, items=parse_items(request.POST.getlist("item")), today=timezone.localdate())
    if not rows:
        messages.error(request, _("Choose at least one project of the list that is still coming due."))
    else:
        letters = warning_letters_record(rows=rows, user=request.user, sent_on=timezone.localdate())
        messages.success(request, _("Recorded as sent: %(count)s warning letter(s).") % {"count": len(letters)})
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/watchlist/coming-due/") else reverse("watchlist:coming_due"))
