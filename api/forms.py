"""The form of the API token page."""
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from api.selectors import token_owners
from tracker.forms import style_fields


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What the token is for, e.g. the system that uses it."))
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=settings.API_TOKEN_MAX_DAYS,
                              initial=settings.API_TOKEN_DEFAULT_DAYS)
    user = forms.ModelChoiceField(label=_("For the user"), queryset=None, required=False,
                                  help_text=_("Empty: for yourself."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        owners = token_owners(user)
        if owners.exclude(pk=user.pk).exists():
            self.fields["user"].queryset = owners
        else:
            del self.fields["user"]
        style_fields(self)
