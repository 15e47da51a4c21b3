"""The review step form: the steps this user may take on this flag, and what each needs."""
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from clusters.models import Commune
from projects.models import ReviewStep
from projects.watchlist.coming_due import DEFAULT_HORIZON, HORIZONS, SORTS
from projects.watchlist.evidence import short_name
from projects.watchlist.rules import RULES
from tracker import access
from projects.watchlist.reviews import allowed_steps, assignable_users
from tracker.fields import BillionVNDField, VNDateField
from tracker.forms import TrackerForm


class ReviewStepForm(TrackerForm):
    action = forms.ChoiceField(label=_("Step"), choices=())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    letter_number = forms.CharField(label=_("Letter / decision no."), required=False, max_length=50)
    letter_date = VNDateField(label=_("Letter / decision / inspection date"), required=False)
    due_date = VNDateField(label=_("Due date (explanation or payment)"), required=False)
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=get_user_model().objects.none(), required=False)
    months = forms.IntegerField(label=_("Extension (months, at most 24)"), required=False, min_value=1, max_value=24)
    payment_amount_vnd = BillionVNDField(label=_("Payment for the extension (billion VND)"), required=False)
    requested_on = VNDateField(
        label=_("Extension requested on"), required=False,
        help_text=_("The day the investor asked for the extension; after a violation notice it counts only within 15 days."),
    )
    from_inspection = forms.BooleanField(
        label=_("The breach was found at an inspection"), required=False,
        help_text=_("Then the extension starts on its decision, issued within 30 days of the inspection report."),
    )
    document = forms.FileField(label=_("Document (PDF or image)"), required=False)

    def __init__(self, *args, flag=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, ReviewStep.Action(a).label) for a in allowed_steps(flag, self.user)]
        self.fields["assignee"].queryset = assignable_users(flag)




class ComingDueForm(TrackerForm):
    """The coming-due list's filters: the window (30, 60 or 90 days), the rule, the commune (the user's own)."""

    days = forms.TypedChoiceField(
        label=_("Coming due within"), coerce=int, required=False,
        choices=[(days, _("%(days)s days") % {"days": days}) for days in HORIZONS],
    )
    rule = forms.ChoiceField(label=_("Rule"), required=False)
    commune = forms.ModelChoiceField(label=_("Commune or ward"), queryset=Commune.objects.none(), required=False)
    o = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", _("All"))] + [(code, short_name(code)) for code in RULES]
        self.fields["commune"].queryset = access.restrict(Commune.objects.order_by("name"), self.user)
        self.fields["commune"].empty_label = _("All")

    def clean_days(self):
        return self.cleaned_data.get("days") or DEFAULT_HORIZON
