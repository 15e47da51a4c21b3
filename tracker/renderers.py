"""The form renderer (settings.FORM_RENDERER): Django's own widgets, error lists and field layouts drawn from the
Jinja2 versions of their templates, which ship with Django and write the same document as a browser reads it (the
line breaks between tags differ, and a quote is escaped &#39; or &#34; instead of &#x27; or &quot;); any other
template (the admin's widgets) from Django's templates, as before.

Why: Django's template engine includes a template for each option of a select, and each include is costly there.
The watchlist's filters (100 communes, the rules, the states) were 300 includes a request, 8–10 ms of a list page
(docs/benchmarks.md, "Form widgets drawn by Jinja2"). Jinja2's includes cost a fraction of that.

A trap for later: a widget whose `option_template_name`, or a part of a MultiWidget, names a template that exists only
as a Django template is included from a Jinja2 template, which cannot fall back: give such a widget a whole
`template_name` of its own that is not one of Django's (it is then drawn by Django's templates, parts included)."""
from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(BaseRenderer):
    def __init__(self):
        self.jinja2 = Jinja2()
        self.django = DjangoTemplates()

    def get_template(self, template_name):
        try:
            return self.jinja2.get_template(template_name)
        except TemplateDoesNotExist:  # not one of Django's form templates: the admin's, a project's own
            return self.django.get_template(template_name)
