"""Generic views: every list, detail and form of the tracker is a few declarative lines on top of these.

Access goes through tracker.access: a list shows only the rows the user may see, a form only opens for a user who
may write, an object outside the user's scope is a 404.
"""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from tracker import access
from tracker.services import ConflictError

PAGE_SIZES = (25, 50, 100)


def asks_for_filters(query) -> bool:
    """Whether a list's URL asks for any filter (a page, a sort or a page size is none)."""
    return any(value for key, value in query.items() if key not in ("page", "o", "per_page"))


class FilteredListView(TemplateView):
    """A list behind a FilterSet: filters, sort and page all live in the URL, so a list can be bookmarked."""

    model = None
    list_selector = None  # callable(filters=QueryDict, user=User) -> FilterSet
    title = ""
    export_url_name = None  # the URL of the list's ExportView, if it has one

    def dispatch(self, request, *args, **kwargs):
        access.require(request.user, self.model, "view")
        return super().dispatch(request, *args, **kwargs)

    def page_size(self) -> int:
        try:
            size = int(self.request.GET.get("per_page", PAGE_SIZES[0]))
        except ValueError:
            return PAGE_SIZES[0]
        return size if size in PAGE_SIZES else PAGE_SIZES[0]

    def paginate(self, queryset):
        paginator = Paginator(queryset, self.page_size())
        return paginator, paginator.get_page(self.request.GET.get("page"))

    def filtered(self) -> bool:
        return asks_for_filters(self.request.GET)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = type(self).list_selector(filters=self.request.GET, user=self.request.user)
        paginator, page = self.paginate(filterset.qs)
        context.update(
            {
                "filter": filterset,
                "page_obj": page,
                "object_list": page.object_list,
                "paginator": paginator,
                "page_sizes": PAGE_SIZES,
                "title": self.title,
                "can_add": access.can(self.request.user, self.model, "add"),
                "export_url": reverse(self.export_url_name) if self.export_url_name else None,
                "filtered": self.filtered(),
            }
        )
        return context


def apply_validation_error(form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names, the rest at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def submitted_value(form, name: str) -> str | None:
    """A field as a browser would send it back: the text the widget shows, a choice's key, "on" for a ticked box,
    None for an unticked one."""
    from django import forms

    bound = form[name]
    widget = bound.field.widget
    if form.is_bound:
        raw = form.data.get(bound.html_name)
        if isinstance(widget, forms.CheckboxInput):
            return "on" if raw not in (None, "", "false", "0") else None
        return "" if raw is None else str(raw)
    value = bound.value()
    if isinstance(widget, forms.CheckboxInput):
        return "on" if value else None
    if isinstance(widget, forms.Select):
        return "" if value is None else str(value)
    formatted = widget.format_value(value)
    return "" if formatted is None else str(formatted)


class ServiceFormView(FormView):
    """Create or edit one object through a service; the service's refusal comes back next to the fields.

    Subclasses set `model` and implement `get_object()` (None when creating) and `save(form, fields, options)`,
    where `options` carries the user, the reason typed for the change and the version the user started from.
    """

    template_name = "form.html"
    model = None
    title = ""
    success_message = ""
    cancel_url = None

    def get_object(self):
        return None

    def check_permission(self):
        access.require(self.request.user, self.model, "add")

    def save(self, form, fields: dict, options: dict):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object is None:
            self.check_permission()
        # The object as saved, for the breadcrumb: a bound form writes the user's input onto self.object as it
        # validates, and an input refused (a field error, a conflict) was never saved.
        self.saved_label = "" if self.object is None else str(self.object)
        self.conflict = None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        kwargs["user"] = self.request.user
        return kwargs

    def cleaned_fields(self, form) -> dict:
        meta = getattr(form, "Meta", None)
        names = getattr(meta, "fields", None) or [n for n in form.fields if n not in ("change_reason", "version")]
        return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}

    def form_valid(self, form):
        options = {"user": self.request.user, "change_reason": form.cleaned_data.get("change_reason", "")}
        if self.object is not None and "version" in form.cleaned_data:
            options["expected_version"] = form.cleaned_data["version"]
        try:
            saved = self.save(form, self.cleaned_fields(form), options)
        except ConflictError as conflict:
            # One sentence at the top of the form (what happened); the page lists the other person's changes
            # and says what to do next (form.html, includes/form_fields.html).
            form.add_error(None, ValidationError(conflict.summary, code="conflict"))
            merged = self.merge_after_conflict(form, options["expected_version"], conflict.current_version)
            self.conflict = {"who": conflict.who, "changes": conflict.changes, "merged": merged is not None}
            if merged is not None:
                form.data = merged
            return self.form_invalid(form)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message % {"object": saved})
        return HttpResponseRedirect(self.get_success_url_for(saved))

    def merge_after_conflict(self, form, started_from: int, current_version: int):
        """The form data to show after a conflict: the user's own edits kept, the fields they did not touch
        brought up to the current version, and the current version number, so that saving again applies
        exactly what this user changed. None when that cannot be done safely (the user must reload)."""
        model = type(self.object)
        current = model._default_manager.get(pk=self.object.pk)
        old_record = self.object.history.filter(version=started_from).order_by("-history_date", "-history_id").first()
        data = form.data.copy()
        if old_record is None:
            # Without the version the user started from, nothing can be merged safely: they must reload.
            form.add_error(None, _("Reload the page to see the current version before saving again."))
            return None
        before = self.form_class(instance=old_record.instance, user=self.request.user)
        now = self.form_class(instance=current, user=self.request.user)
        for name in form.fields:
            if name in ("version", "change_reason"):
                continue
            if submitted_value(form, name) == submitted_value(before, name):
                value = submitted_value(now, name)
                if value is None:
                    data.pop(name, None)
                else:
                    data[name] = value
        data["version"] = current_version
        return data

    def get_success_url_for(self, saved) -> str:
        return saved.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"title": self.title, "object": self.object, "saved_label": self.saved_label,
                        "conflict": self.conflict, "cancel_url": self.get_cancel_url()})
        return context

    def get_cancel_url(self):
        if self.object is not None and hasattr(self.object, "get_absolute_url"):
            return self.object.get_absolute_url()
        return self.cancel_url


class ConfirmDeleteView(View):
    """A page that asks before deleting, and a POST that deletes through a service."""

    template_name = "confirm_delete.html"

    def get_object(self):
        raise NotImplementedError

    def delete(self, obj) -> str:
        """Delete `obj` and return the URL to go to afterwards."""
        raise NotImplementedError

    def cancel_url(self, obj) -> str:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return render(request, self.template_name, {"object": obj, "cancel_url": self.cancel_url(obj)})

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        label = str(obj)
        target = self.delete(obj)
        messages.success(request, _("Deleted: %(object)s") % {"object": label})
        return HttpResponseRedirect(target)


class ExportView(View):
    """The rows of a list, filtered exactly as the list is, as CSV or xlsx (`?format=csv|xlsx`)."""

    model = None
    list_selector = None  # the list view's selector: the same filters, the same access rules
    columns: list = []
    filename = "export"

    def get(self, request, *args, **kwargs):
        from django.http import HttpResponseBadRequest

        from tracker.exports import FORMATS, export_response

        access.require(request.user, self.model, "view")
        fmt = request.GET.get("format", "xlsx")
        if fmt not in FORMATS:
            return HttpResponseBadRequest(_("Unknown export format; use csv or xlsx."))
        filterset = type(self).list_selector(filters=request.GET, user=request.user)
        rows = filterset.qs.iterator(chunk_size=2000)
        stamp = timezone.localdate().strftime("%Y%m%d")
        return export_response(rows, self.get_columns(), fmt, f"{self.filename}-{stamp}", queryset=filterset.qs)

    def get_columns(self):
        return self.columns


AUTOCOMPLETE_LIMIT = 20


def autocomplete_response(request, queryset, *, code_field: str, label):
    """The JSON an autocomplete field (tracker.fields.CodeChoiceField) asks for: the records of `queryset` (already
    through the access door) whose code or name holds every word typed (`?q=`, accents and case ignored), an exact
    code first, at most AUTOCOMPLETE_LIMIT of them, as {"results": [{"value": code, "text": label}]}."""
    from django.http import JsonResponse

    from tracker.search import matching

    typed = request.GET.get("q", "").replace("\x00", "").strip()[:100]  # PostgreSQL refuses a NUL in a query
    rows = list(matching(queryset, typed).order_by("name", code_field)[:AUTOCOMPLETE_LIMIT])
    exact = [row for row in rows if getattr(row, code_field).lower() == typed.lower()]
    if typed and not exact:
        exact = list(queryset.filter(**{f"{code_field}__iexact": typed})[:1])
    ordered = exact + [row for row in rows if row not in exact]
    results = [{"value": getattr(row, code_field), "text": label(row)} for row in ordered[:AUTOCOMPLETE_LIMIT]]
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "private, no-store"
    return response
