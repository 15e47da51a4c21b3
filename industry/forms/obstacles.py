"""Forms for obstacles: the obstacle, a dated action, and the confirmation of the force-majeure conversion."""
from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.selectors import cluster_choices
from industry.models import Obstacle, ObstacleAction
from projects.models import Project
from tracker.access import restrict
from tracker.forms import TrackerForm, TrackerModelForm


class ObstacleForm(TrackerModelForm):
    class Meta(TrackerModelForm.Meta):
        model = Obstacle
        fields = ["title", "kind", "cluster", "project", "agency", "raised_on", "target_date", "status", "resolved_on",
                  "description"]
        help_texts = {
            "cluster": _("The cluster held back; for a project it may be left empty (the project's cluster is taken)."),
            "project": _("Empty when the obstacle concerns the whole cluster."),
            "resolved_on": _("Required once the status is resolved."),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = restrict(cluster_choices(), self.user, "view")
        self.fields["project"].queryset = restrict(
            Project.objects.select_related("cluster").order_by("code"), self.user, "view"
        )


class ObstacleActionForm(TrackerModelForm):
    class Meta(TrackerModelForm.Meta):
        model = ObstacleAction
        fields = ["taken_on", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"description": _("What was done, by whom, and what was decided.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["change_reason"]  # an action is a dated entry of its own, not an edit


class ObstacleConvertForm(TrackerForm):
    """The staff user confirms both conditions of Decree 102/2024 Art. 31(1),(4) before the period is created."""

    state_caused = forms.BooleanField(
        label=_("The State caused it: it is not the investor's fault (for example land clearance the State has not "
                "done, a permit withheld)."),
    )
    blocks_land_use = forms.BooleanField(label=_("It prevents the investor from using the land."))
