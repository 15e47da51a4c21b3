"""Forms for obstacles: the obstacle, a dated action, and the confirmation of the force-majeure conversion."""
from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.filters import CLUSTER_CODE_UNKNOWN
from clusters.models import Cluster
from clusters.selectors import cluster_choices
from industry.models import Obstacle, ObstacleAction
from projects.models import Project
from tracker.access import restrict
from tracker.fields import CodeChoiceField
from tracker.forms import TrackerForm, TrackerModelForm

PROJECT_CODE_UNKNOWN = _("No project you may choose has this code. Type the project's code (for example DA-2024-001) "
                         "or pick the project from the list.")


class ObstacleForm(TrackerModelForm):
    class Meta(TrackerModelForm.Meta):
        model = Obstacle
        fields = ["title", "kind", "cluster", "project", "agency", "raised_on", "target_date", "status", "resolved_on",
                  "description"]
        help_texts = {"resolved_on": _("Required once the status is resolved.")}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    # Thousands of clusters, a hundred thousand projects: typed as a code, found by code or name as one types.
    cluster = CodeChoiceField(
        Cluster.objects.none(), code_field="code", url_name="clusters:autocomplete", url_query="open=1",
        required=False, label=_("industrial cluster"), invalid_message=CLUSTER_CODE_UNKNOWN,
        help_text=_("The cluster held back; for a project it may be left empty (the project's cluster is taken)."),
    )
    project = CodeChoiceField(
        Project.objects.none(), code_field="code", url_name="projects:autocomplete", required=False,
        label=_("secondary project"), invalid_message=PROJECT_CODE_UNKNOWN,
        help_text=_("Empty when the obstacle concerns the whole cluster."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        clusters = cluster_choices()
        if self.instance.cluster_id:
            # An obstacle in a since-dissolved cluster can still be edited (and resolved) where it is.
            clusters = clusters | Cluster.objects.filter(pk=self.instance.cluster_id)
        self.fields["cluster"].queryset = restrict(clusters, self.user, "view")
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
