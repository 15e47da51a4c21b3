"""Forms for investors, projects and the records kept about a project."""
from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.filters import CLUSTER_CODE_UNKNOWN
from clusters.models import Cluster
from clusters.selectors import cluster_choices
from projects.models import (
    AnnualTarget,
    CapitalReport,
    Document,
    ForceMajeurePeriod,
    Investor,
    LandUseExtension,
    Project,
    ScheduleAdjustment,
    TransferRequest,
    UnreachableRecord,
    ViolationNotice,
)
from tracker.access import restrict
from tracker.fields import CodeChoiceField, VNDateField, VNDecimalField
from tracker.forms import TrackerForm, TrackerModelForm


INVESTOR_TAX_CODE_UNKNOWN = _("No investor has this tax code. Type the investor's tax code (for example 0101234567) or "
                              "pick the investor from the list; a new investor is added on the investors page first.")

class InvestorForm(TrackerModelForm):
    class Meta(TrackerModelForm.Meta):
        model = Investor
        fields = ["name", "tax_code", "is_foreign", "country", "address", "contact_person", "phone", "email"]
        help_texts = {"tax_code": _("10 digits, or 10 digits-3 digits for a branch, for example 0101234567-001.")}


class ProjectForm(TrackerModelForm):
    class Meta(TrackerModelForm.Meta):
        model = Project
        fields = [
            "code",
            "name",
            "cluster",
            "investor",
            "industry",
            "registered_capital_vnd",
            "registered_capital_usd",
            "land_area_ha",
            "policy_approval_number",
            "policy_approval_date",
            "irc_number",
            "irc_date",
            "sublease_contract_date",
            "land_handover_date",
            "construction_start_deadline",
            "construction_completion_deadline",
            "operation_deadline",
            "actual_construction_start",
            "actual_completion",
            "actual_operation_start",
            "status",
            "land_recovered_on",
            "land_transferred_on",
            "workers",
            "notes",
        ]
        help_texts = {
            "code": _("A unique code, for example DA-2024-001."),
            "registered_capital_vnd": _("In billions of VND, typed the Vietnamese way: 1.234,5 means one thousand two hundred thirty-four and a half billion."),
            "registered_capital_usd": _("For foreign projects."),
            "land_area_ha": _("Leased industrial land in hectares; it cannot exceed the cluster's unleased land."),
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    # Thousands of clusters and investors: typed as a code, found by code or name as one types (no list of options).
    cluster = CodeChoiceField(
        Cluster.objects.none(), code_field="code", url_name="clusters:autocomplete", url_query="open=1",
        label=_("industrial cluster"), invalid_message=CLUSTER_CODE_UNKNOWN,
        help_text=_("The cluster's code, for example CCN-01; with the list open, type part of its name."),
    )
    investor = CodeChoiceField(
        Investor.objects.none(), code_field="tax_code", url_name="investors:autocomplete", label=_("investor"),
        invalid_message=INVESTOR_TAX_CODE_UNKNOWN,
        help_text=_("The investor's tax code; with the list open, type part of its name."),
    )
    status_effective_on = VNDateField(
        label=_("Status effective on"), required=False,
        help_text=_("For a new project or a change of status: the day it took effect (for example the day operations "
                    "stopped); empty means today. The watchlist counts from it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        order = list(self.fields)
        order.remove("status_effective_on")
        order.insert(order.index("status") + 1, "status_effective_on")
        self.order_fields(order)
        choices = cluster_choices()
        if self.instance.pk:
            # A project in a dissolved cluster can still be edited (and terminated) where it is.
            choices = choices | Cluster.objects.filter(pk=self.instance.cluster_id)
        self.fields["cluster"].queryset = restrict(choices, self.user, "view")
        self.fields["investor"].queryset = restrict(Investor.objects.order_by("name"), self.user, "view")
        self.fields["irc_number"].empty_value = None


class CapitalReportForm(TrackerModelForm):
    # A monthly income is a few million đồng: typed in đồng, not in billions.
    average_income_vnd = VNDecimalField(
        label=_("Average monthly income (VND)"), required=False, decimal_places=0,
        help_text=_("In đồng, for example 8.500.000."),
    )

    def clean_average_income_vnd(self):
        value = self.cleaned_data.get("average_income_vnd")
        return int(value) if value is not None else None

    class Meta(TrackerModelForm.Meta):
        model = CapitalReport
        fields = [
            "year",
            "period",
            "report_date",
            "implemented_capital_vnd",
            "revenue_vnd",
            "budget_contribution_vnd",
            "workers",
            "average_income_vnd",
        ]


class ScheduleAdjustmentForm(TrackerModelForm):
    class Meta(TrackerModelForm.Meta):
        model = ScheduleAdjustment
        fields = [
            "decision_number",
            "decision_date",
            "months_added",
            "new_construction_start_deadline",
            "new_construction_completion_deadline",
            "new_operation_deadline",
            "reason",
        ]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"new_operation_deadline": _("Saving the adjustment moves the project's deadlines to the new ones.")}


class LandUseExtensionForm(TrackerModelForm):
    class Meta(TrackerModelForm.Meta):
        model = LandUseExtension
        fields = ["clock", "decision_number", "decision_date", "requested_on", "from_inspection", "start_date",
                  "end_date", "payment_due_date", "payment_amount_vnd"]
        help_texts = {
            "start_date": _("The first day of month 13 after handover (land unused) or of month 25 after the completion "
                            "deadline (land use late); after an inspection, the day of the decision."),
            "end_date": _("At most 24 months after the start (Land Law 2024, Art. 81(8)); the last day of the extension."),
        }


class ForceMajeurePeriodForm(TrackerModelForm):
    class Meta(TrackerModelForm.Meta):
        model = ForceMajeurePeriod
        fields = ["start_date", "end_date", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}


class DocumentForm(TrackerForm):
    title = forms.CharField(label=_("Title"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices, initial=Document.Kind.OTHER)
    file = forms.FileField(label=_("File"), help_text=_("PDF, PNG or JPEG."))

    def __init__(self, *args, **kwargs):
        kwargs.pop("instance", None)
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = "application/pdf,image/png,image/jpeg"


class ViolationNoticeForm(TrackerModelForm):
    class Meta(TrackerModelForm.Meta):
        model = ViolationNotice
        fields = ["number", "notice_date", "content", "extension_requested_on"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}


class TransferRequestForm(TrackerModelForm):
    class Meta(TrackerModelForm.Meta):
        model = TransferRequest
        fields = ["request_date", "transferee", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class UnreachableRecordForm(TrackerModelForm):
    class Meta(TrackerModelForm.Meta):
        model = UnreachableRecord
        fields = ["since", "resolved_on", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class AnnualTargetForm(TrackerModelForm):
    class Meta(TrackerModelForm.Meta):
        model = AnnualTarget
        fields = [
            "year", "projects_min", "projects_max", "capital_min_vnd", "capital_max_vnd", "clusters_min", "clusters_max",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        cleaned = super().clean()
        for low, high in (("projects_min", "projects_max"), ("capital_min_vnd", "capital_max_vnd"), ("clusters_min", "clusters_max")):
            if cleaned.get(low) is not None and cleaned.get(high) is not None and cleaned[low] > cleaned[high]:
                self.add_error(high, _("The maximum must not be below the minimum."))
        return cleaned
