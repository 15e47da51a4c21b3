"""The form of an infrastructure item; the cluster is the page's, never a field."""
from django import forms

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
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
