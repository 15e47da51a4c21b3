"""Forms for khuyến công schemes and the year's plan."""
from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.selectors import commune_choices
from industry.models import Scheme, SchemePlan
from projects.forms import INVESTOR_TAX_CODE_UNKNOWN
from projects.models import Investor
from tracker.access import restrict
from tracker.fields import CodeChoiceField
from tracker.forms import TrackerModelForm

MONEY_HELP = _("In billions of VND (tỷ đồng), typed the Vietnamese way: 0,35 is 350 million.")


class SchemeForm(TrackerModelForm):
    class Meta(TrackerModelForm.Meta):
        model = Scheme
        fields = ["year", "name", "kind", "decision_number", "approved_on", "investor", "business_name", "commune",
                  "province_budget_vnd", "counterpart_vnd", "status", "completed_on", "result"]
        help_texts = {
            "year": _("The year of the plan the scheme belongs to."),
            "province_budget_vnd": MONEY_HELP,
            "counterpart_vnd": MONEY_HELP,
            "completed_on": _("Required once the status is completed."),
        }
        widgets = {"result": forms.Textarea(attrs={"rows": 3})}

    # Ten thousand investors: typed as the tax code, found by tax code or name as one types.
    investor = CodeChoiceField(
        Investor.objects.none(), code_field="tax_code", url_name="investors:autocomplete", required=False,
        label=_("beneficiary (investor)"), invalid_message=INVESTOR_TAX_CODE_UNKNOWN,
        help_text=_("When the beneficiary is an investor in the tracker."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = restrict(commune_choices(), self.user, "view")
        self.fields["investor"].queryset = restrict(Investor.objects.order_by("name"), self.user, "view")


class SchemePlanForm(TrackerModelForm):
    class Meta(TrackerModelForm.Meta):
        model = SchemePlan
        fields = ["year", "decision_number", "schemes_planned", "province_budget_vnd", "counterpart_vnd", "notes"]
        help_texts = {"province_budget_vnd": MONEY_HELP, "counterpart_vnd": MONEY_HELP}
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
