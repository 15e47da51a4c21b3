"""The tracker's own forms tell a constraint in words too (issue 12, defect 6): Django's ModelForm validation checks
the instance's constraints before any service does, and named a constraint without words of its own ("Constraint
“report_year_range” is violated.", in English on a Vietnamese page)."""
import pytest
from django.utils import translation

from projects.forms import CapitalReportForm
from tracker.forms import ConstraintWordsFormMixin, TrackerModelForm


@pytest.mark.parametrize("year, error", [("1999", "Giá trị này phải từ 2000 đến 2100."),
                                         ("2000", None), ("2100", None),
                                         ("2101", "Giá trị này phải từ 2000 đến 2100.")])
def test_a_report_year_outside_the_constraint_is_told_in_words_beside_the_year(project, year, error):
    with translation.override("vi"):
        form = CapitalReportForm(data={"year": year, "period": "Q2", "implemented_capital_vnd": "1"})
        form.instance.project = project
        valid = form.is_valid()
        assert valid is (error is None), form.errors
        if error:
            assert dict(form.errors) == {"year": [error]}


def test_every_model_form_of_the_tracker_tells_constraints_in_words():
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    forms = list(subclasses(TrackerModelForm))
    assert len(forms) >= 10 and all(issubclass(form, ConstraintWordsFormMixin) for form in forms)
    # the tracker's forms keep a constraint with words of its own at the top, as the services' refusals
    assert not TrackerModelForm.constraints_beside_fields
