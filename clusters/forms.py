"""The cluster form."""
from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from clusters.selectors import commune_choices, former_district_choices
from tracker.access import restrict
from tracker.forms import TrackerModelForm


class ClusterForm(TrackerModelForm):
    class Meta(TrackerModelForm.Meta):
        model = Cluster
        fields = [
            "code",
            "name",
            "commune",
            "former_district",
            "kind",
            "stage",
            "total_area_ha",
            "industrial_land_ha",
            "establishment_decision_number",
            "establishment_date",
            "detailed_plan_date",
            "developer_name",
            "infrastructure_investment_approved_vnd",
            "infrastructure_investment_paid_vnd",
            "wastewater_plant_built",
            "wastewater_plant_compliant",
            "power_ready",
            "water_ready",
            "latitude",
            "longitude",
            "notes",
        ]
        help_texts = {
            "code": _("A short unique code, for example CCN-LS-01."),
            "total_area_ha": _("In hectares, for example 74,5."),
            "notes": _("Anything worth knowing that has no field of its own."),
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = restrict(commune_choices(), self.user, "view")
        self.fields["former_district"].queryset = former_district_choices()
