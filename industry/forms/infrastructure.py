"""The form of an infrastructure item; the cluster is the page's, never a field."""
from django import forms
from django.utils.translation import gettext_lazy as _

from industry.models.infrastructure import InfrastructureItem
from tracker.forms import TrackerModelForm


class InfrastructureItemForm(TrackerModelForm):
    class Meta(TrackerModelForm.Meta):
        model = InfrastructureItem
        fields = [
            "kind",
            "description",
            "planned_completion",
            "actual_completion",
            "standards_met_on",
            "investment_planned_vnd",
            "investment_disbursed_vnd",
            "state_support_pct",
            "notes",
        ]
        help_texts = {
            "investment_planned_vnd": _("In billions of VND, for example 12,5."),
            "state_support_pct": _("For example 30 or 12,5. For the whole cluster at most 30 % of the planned "
                                   "investment (Decree 32/2024, Art. 26)."),
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
