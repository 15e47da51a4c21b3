"""The watchlist's filters and sort orders."""
import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.filters import cluster_code_filter
from clusters.models import Commune, FormerDistrict
from projects.models import Flag, Rule, Severity
from projects.watchlist.evidence import short_name
from tracker.filters import BaseFilterSet


class RuleChoiceFilter(django_filters.ModelChoiceFilter):
    """The rules by their Vietnamese short names, not their codes."""

    @property
    def field(self):
        field = super().field
        field.label_from_instance = lambda rule: short_name(rule.code)
        return field


class FlagFilter(BaseFilterSet):
    rule = RuleChoiceFilter(queryset=Rule.objects.order_by("code"), label=_("Rule"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("Severity"))
    cluster = cluster_code_filter("project__cluster")
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
        fields=(("severity_rank", "severity"), ("since", "since"), ("project_code", "project"), ("rule__code", "rule")),
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
            # The most severe first, then the longest overdue, then by project code: the order of the index
            # flag_open_by_severity (the flag's copy of the code, not the project's, so no join chooses the page).
            queryset = queryset.order_by("-severity_rank", "since", "project_code", "pk")
        return queryset


