"""The form renderer (settings.FORM_RENDERER): Django's own widgets, error lists and field layouts drawn from the
Jinja2 versions of their templates, which ship with Django and write the same HTML (only the line breaks between a
select's options differ); any other template (the admin's widgets) from Django's templates, as before.

Why: Django's template engine draws a select by including one template per option. The watchlist's filters (100
communes, the rules, the states) were 300 includes a request, about 10 ms of the 40 a list page takes
(docs/benchmarks.md, "Pages at national scale"). Jinja2 draws the same in a fraction of that."""
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
