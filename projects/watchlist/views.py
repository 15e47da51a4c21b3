"""The watchlist pages: open flags for leadership, a flag with its evidence and review, the review step form."""
import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster, Commune, FormerDistrict
from projects.models import Flag, ReviewStep, Rule, Scan, Severity
from projects.reviews import STEPS, allowed_steps, assignable_users, review_step_record
from projects.rules import describe
from projects.views import _deadline_rows
from tracker import access
from tracker.fields import BillionVNDField, VNDateField
from tracker.filters import BaseFilterSet
from tracker.forms import TrackerForm
from projects.exports import FLAG_COLUMNS
from tracker.generic import ExportView, FilteredListView, apply_validation_error

SEVERITY_ORDER = Case(
    When(severity=Severity.CRITICAL, then=Value(3)),
    When(severity=Severity.WARNING, then=Value(2)),
    default=Value(1),
    output_field=IntegerField(),
)


def flag_queryset():
    return Flag.objects.select_related(
        "rule", "project", "project__cluster", "project__cluster__commune", "project__cluster__former_district",
        "project__investor", "assignee",
    ).annotate(severity_rank=SEVERITY_ORDER)


class FlagFilter(BaseFilterSet):
    rule = django_filters.ModelChoiceFilter(queryset=Rule.objects.order_by("code"), label=_("Rule"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("Severity"))
    cluster = django_filters.ModelChoiceFilter(
        field_name="project__cluster", queryset=Cluster.objects.order_by("name"), label=_("Industrial cluster")
    )
    commune = django_filters.ModelChoiceFilter(
        field_name="project__cluster__commune", queryset=Commune.objects.order_by("name"), label=_("Commune or ward")
    )
    former_district = django_filters.ModelChoiceFilter(
        field_name="project__cluster__former_district", queryset=FormerDistrict.objects.order_by("name"),
        label=_("Former district"),
    )
    state = django_filters.ChoiceFilter(choices=Flag.State.choices, label=_("Review state"))
    min_days = django_filters.NumberFilter(
        method="filter_min_days", label=_("Open for at least (days)"), min_value=0, max_value=36500
    )
    shown = django_filters.ChoiceFilter(
        method="filter_shown", label=_("Flags shown"), empty_label=_("Open"),
        choices=[("closed", _("Closed")), ("all", _("Open and closed"))],
    )
    o = django_filters.OrderingFilter(
        fields=(("severity_rank", "severity"), ("since", "since"), ("project__code", "project"), ("rule__code", "rule")),
        label=_("Sort by"),
    )

    class Meta:
        model = Flag
        fields = []

    def filter_min_days(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(since__lte=timezone.localdate() - timezone.timedelta(days=int(value)))

    def filter_shown(self, queryset, name, value):
        if value == "closed":
            return queryset.filter(cleared_at__isnull=False)
        return queryset  # "all"; the default (open only) is applied in filter_queryset

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("shown"):
            queryset = queryset.filter(cleared_at__isnull=True)
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("o"):
            # The most severe first, then the longest overdue.
            queryset = queryset.order_by("-severity_rank", "since", "project__code", "pk")
        return queryset


def flag_list(*, filters=None, user):
    return FlagFilter(filters, queryset=access.restrict(flag_queryset(), user, "view"), user=user)


def last_successful_scan():
    return Scan.objects.filter(status=Scan.Status.SUCCEEDED, project__isnull=True).order_by("-finished_at").first()


class WatchlistView(FilteredListView):
    model = Flag
    template_name = "projects/watchlist.html"
    list_selector = staticmethod(flag_list)
    export_url_name = "watchlist:export"
    title = _("Watchlist")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        open_flags = access.restrict(Flag.objects.filter(cleared_at__isnull=True), self.request.user, "view")
        counts = {
            row["rule__code"]: row
            for row in open_flags.order_by().values("rule__code").annotate(
                n=Count("pk"), critical=Count("pk", filter=Q(severity=Severity.CRITICAL))
            )
        }
        rules = list(Rule.objects.order_by("code"))
        scan = last_successful_scan()
        stale = scan is None or timezone.now() - scan.finished_at > timezone.timedelta(hours=settings.WATCHLIST_STALE_HOURS)
        today = timezone.localdate()
        for flag in context["object_list"]:
            flag.description = describe(flag.rule.code, flag.evidence, today)
            flag.days_open = (today - flag.since).days
        context.update(
            {
                "rule_counts": [(rule, counts.get(rule.code, {}).get("n", 0), counts.get(rule.code, {}).get("critical", 0)) for rule in rules],
                "last_scan": scan,
                "scan_stale": stale,
                "stale_hours": settings.WATCHLIST_STALE_HOURS,
            }
        )
        return context


def flag_detail(request, pk: int):
    flag = access.get_for_user(flag_queryset(), request.user, "view", pk=pk)
    today = timezone.localdate()
    project_flags = access.restrict(flag_queryset(), request.user, "view").filter(project=flag.project).order_by("-first_seen")
    steps = flag.steps.select_related("user", "assignee", "extension")
    return render(
        request,
        "projects/flag_detail.html",
        {
            "flag": flag,
            "description": describe(flag.rule.code, flag.evidence, today),
            "deadlines": _deadline_rows(flag.project),
            "project_flags": project_flags,
            "steps": steps,
            "allowed_steps": [(action, ReviewStep.Action(action).label) for action in allowed_steps(flag, request.user)],
        },
    )


class ReviewStepForm(TrackerForm):
    action = forms.ChoiceField(label=_("Step"), choices=())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    letter_number = forms.CharField(label=_("Letter / decision no."), required=False, max_length=50)
    letter_date = VNDateField(label=_("Letter / decision / inspection date"), required=False)
    due_date = VNDateField(label=_("Due date (explanation or payment)"), required=False)
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=get_user_model().objects.none(), required=False)
    months = forms.IntegerField(label=_("Extension (months, at most 24)"), required=False, min_value=1, max_value=24)
    payment_amount_vnd = BillionVNDField(label=_("Payment for the extension (billion VND)"), required=False)
    document = forms.FileField(label=_("Document (PDF or image)"), required=False)

    def __init__(self, *args, flag=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, ReviewStep.Action(a).label) for a in allowed_steps(flag, self.user)]
        self.fields["assignee"].queryset = assignable_users(flag)


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
    return render(request, "projects/review_step.html", {"flag": flag, "form": form, "title": _("Record a review step")})


class FlagExportView(ExportView):
    model = Flag
    list_selector = staticmethod(flag_list)
    columns = FLAG_COLUMNS
    filename = "danh-sach-giam-sat"
