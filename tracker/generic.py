"""Generic views: every list, detail and form of the tracker is a few declarative lines on top of these."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

PAGE_SIZES = (25, 50, 100)


class FilteredListView(TemplateView):
    """A list behind a FilterSet: filters, sort and page all live in the URL, so a list can be bookmarked."""

    list_selector = None  # callable(filters=QueryDict, request=HttpRequest) -> FilterSet
    title = ""

    def page_size(self) -> int:
        try:
            size = int(self.request.GET.get("per_page", PAGE_SIZES[0]))
        except ValueError:
            return PAGE_SIZES[0]
        return size if size in PAGE_SIZES else PAGE_SIZES[0]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = type(self).list_selector(filters=self.request.GET, request=self.request)
        paginator = Paginator(filterset.qs, self.page_size())
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            {
                "filter": filterset,
                "page_obj": page,
                "object_list": page.object_list,
                "paginator": paginator,
                "page_sizes": PAGE_SIZES,
                "title": self.title,
                "filtered": any(
                    value for key, value in self.request.GET.items() if key not in ("page", "o", "per_page")
                ),
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


class ServiceFormView(FormView):
    """Create or edit one object through a service; the service's refusal comes back next to the fields."""

    template_name = "form.html"
    title = ""
    success_message = ""
    cancel_url = None

    def get_object(self):
        """The object being edited, or None when creating."""
        return None

    def save(self, form, fields: dict):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        return kwargs

    def cleaned_fields(self, form) -> dict:
        meta = getattr(form, "Meta", None)
        names = getattr(meta, "fields", None) or list(form.fields)
        return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}

    def form_valid(self, form):
        try:
            saved = self.save(form, self.cleaned_fields(form))
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message % {"object": saved})
        return HttpResponseRedirect(self.get_success_url_for(saved))

    def get_success_url_for(self, saved) -> str:
        return saved.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"title": self.title, "object": self.object, "cancel_url": self.get_cancel_url()})
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

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return render(request, self.template_name, {"object": obj, "cancel_url": self.cancel_url(obj)})

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        label = str(obj)
        target = self.delete(obj)
        messages.success(request, _("Deleted: %(object)s") % {"object": label})
        return HttpResponseRedirect(target)

    def cancel_url(self, obj) -> str:
        raise NotImplementedError
