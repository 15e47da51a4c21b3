"""Django's own password views, with the site's forms, templates and the password state kept up to date."""
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from tracker.accounts.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from tracker.accounts.services import (
    must_change_password,
    password_changed,
    password_reset_allowed_from,
    password_reset_allowed_to,
)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm

    def _next(self) -> str:
        url = self.request.POST.get("next") or self.request.GET.get("next") or ""
        safe = url_has_allowed_host_and_scheme(url, {self.request.get_host()}, self.request.is_secure())
        return url if safe else ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs, must_change=must_change_password(self.request.user), next=self._next()
        )

    def form_valid(self, form):
        response = super().form_valid(form)  # saves and keeps this session logged in
        password_changed(user=form.user, reason=_("Password changed by the user"))
        if self._next():
            messages.success(self.request, _("Your password has been changed."))
            return HttpResponseRedirect(self._next())
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def get_extra_email_context(self):
        return {"DEPARTMENT_NAME": settings.DEPARTMENT_NAME, "PROVINCE_NAME": settings.PROVINCE_NAME,
                "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}

    def form_valid(self, form):
        if not password_reset_allowed_from(get_client_ip_address(self.request)):
            form.add_error(None, _("Too many password reset requests from this computer. Try again in an hour."))
            return self.form_invalid(form)
        if not password_reset_allowed_to(form.cleaned_data["email"]):
            # The same answer as when an e-mail goes out: nothing tells whether the address belongs to a user.
            return HttpResponseRedirect(self.get_success_url())
        self.extra_email_context = self.get_extra_email_context()
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, valid_hours=settings.PASSWORD_RESET_TIMEOUT // 3600)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(user=form.user, reason=_("Password reset by e-mail"))
        return response
