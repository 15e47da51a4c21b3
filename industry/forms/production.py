"""Forms of the production index, electricity and the year's industry targets: the department's fields (numbers
typed 1.234,5; a change may be negative, −10,58) through TrackerModelForm."""
from django import forms

from industry.models import ElectricityMonth, ProductionIndex, ProductionTarget
from tracker.forms import TrackerModelForm


class ProductionIndexForm(TrackerModelForm):
    class Meta(TrackerModelForm.Meta):
        model = ProductionIndex
        fields = ["year", "month", "sector", "vs_previous_month_pct", "vs_same_month_pct", "year_to_date_pct",
                  "status", "is_sample", "source"]


class ElectricityForm(TrackerModelForm):
    class Meta(TrackerModelForm.Meta):
        model = ElectricityMonth
        fields = ["year", "month", "produced_mkwh", "commercial_mkwh", "published_vs_previous_month_pct",
                  "published_vs_same_month_pct", "status", "is_sample", "source"]


class ProductionTargetForm(TrackerModelForm):
    class Meta(TrackerModelForm.Meta):
        model = ProductionTarget
        fields = ["year", "iip_growth_pct", "electricity_produced_mkwh", "electricity_commercial_mkwh", "is_sample",
                  "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
