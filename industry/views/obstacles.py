"""Pages for obstacles: the list and its export, an obstacle with its actions and history, the forms, and the
force-majeure conversion. Every obstacle is fetched for the user (a commune officer: their communes, else 404)."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from industry.forms.obstacles import ObstacleActionForm, ObstacleConvertForm, ObstacleForm
from industry.models import Obstacle, ObstacleAction
from industry.selectors.obstacles import obstacle_actions, obstacle_get, obstacle_list
from industry.services.obstacles import (
    conversion_error, obstacle_action_create, obstacle_convert_to_force_majeure, obstacle_create, obstacle_update,
    period_dates,
)
from projects.models import ForceMajeurePeriod
from tracker import access
from tracker.exports import Column
from tracker.generic import ExportView, FilteredListView, ServiceFormView, apply_validation_error
from tracker.history import created_and_changed, object_history

OBSTACLE_COLUMNS = [
    Column(_("No."), "obstacle_id", lambda o: o.pk),
    Column(_("Obstacle"), "title", lambda o: o.title),
    Column(_("Kind"), "kind", lambda o: o.get_kind_display()),
    Column(_("Industrial cluster"), "cluster", lambda o: o.cluster.name if o.cluster_id else ""),
    Column(_("Commune or ward"), "commune", lambda o: o.cluster.commune.name if o.cluster_id else ""),
    Column(_("Project code"), "project_code", lambda o: o.project.code if o.project_id else ""),
    Column(_("Project"), "project_name", lambda o: o.project.name if o.project_id else ""),
    Column(_("Responsible agency"), "agency", lambda o: o.agency),
    Column(_("Raised on"), "raised_on", lambda o: o.raised_on),
    Column(_("Target date"), "target_date", lambda o: o.target_date),
    Column(_("Status"), "status", lambda o: o.get_status_display()),
    Column(_("Past the target date"), "overdue", lambda o: o.overdue),
    Column(_("Resolved on"), "resolved_on", lambda o: o.resolved_on),
    Column(_("Force-majeure period"), "force_majeure",
           lambda o: "" if o.force_majeure_period is None else
           f"{o.force_majeure_period.start_date:%d/%m/%Y} – {o.force_majeure_period.end_date:%d/%m/%Y}"),
    Column(_("Description"), "description", lambda o: o.description),
]


class ObstacleListView(FilteredListView):
    model = Obstacle
    template_name = "industry/obstacle_list.html"
    list_selector = staticmethod(obstacle_list)
    export_url_name = "industry:obstacle_export"
    title = _("Obstacles")


class ObstacleExportView(ExportView):
    model = Obstacle
    list_selector = staticmethod(obstacle_list)
    filename = "kho-khan-vuong-mac"
    columns = OBSTACLE_COLUMNS


def _can_convert(user, obstacle: Obstacle) -> bool:
    return (access.can(user, ForceMajeurePeriod, "add")
            and access.restrict(Obstacle.objects.filter(pk=obstacle.pk), user, "change").exists())


def obstacle_detail(request, pk: int):
    obstacle = obstacle_get(pk=pk, user=request.user)
    created, changed = created_and_changed(obstacle)
    label = capfirst(gettext("action on an obstacle"))
    entries = object_history(obstacle, [(ObstacleAction.history.filter(obstacle_id=obstacle.pk),
                                         lambda record: f"{label} · {record.instance}")])
    can_change = access.restrict(Obstacle.objects.filter(pk=pk), request.user, "change").exists()
    return render(request, "industry/obstacle_detail.html", {
        "obstacle": obstacle,
        "actions": obstacle_actions(obstacle),
        "entries": entries,
        "created": created,
        "changed": changed,
        "can_change": can_change,
        "can_add_action": can_change and access.can(request.user, ObstacleAction, "add"),
        "can_convert": _can_convert(request.user, obstacle),
        "conversion_error": conversion_error(obstacle),
    })


class ObstacleCreateView(ServiceFormView):
    model = Obstacle
    form_class = ObstacleForm
    title = _("New obstacle")
    success_message = _("Saved obstacle %(object)s.")

    def get_initial(self):
        # Opened from a cluster's or a project's page: that cluster or project is chosen.
        initial = super().get_initial()
        for key in ("cluster", "project"):
            if self.request.GET.get(key, "").isdigit():
                initial[key] = int(self.request.GET[key])  # a primary key: the field shows its code, if in scope
        return initial

    def get_cancel_url(self):
        return reverse("industry:obstacle_list")

    def save(self, form, fields, options):
        return obstacle_create(**options, **fields)


class ObstacleUpdateView(ServiceFormView):
    model = Obstacle
    form_class = ObstacleForm
    title = _("Edit obstacle")
    success_message = _("Saved obstacle %(object)s.")

    def get_object(self):
        return access.get_for_user(Obstacle.objects.all(), self.request.user, "change", pk=self.kwargs["pk"])

    def save(self, form, fields, options):
        return obstacle_update(obstacle=self.object, **options, **fields)


class ObstacleActionCreateView(ServiceFormView):
    model = ObstacleAction
    form_class = ObstacleActionForm
    title = _("New action on the obstacle")
    success_message = _("Saved the action.")

    def dispatch(self, request, *args, **kwargs):
        self.obstacle = access.get_for_user(Obstacle.objects.all(), request.user, "change", pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_cancel_url(self):
        return self.obstacle.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.obstacle
        return context

    def save(self, form, fields, options):
        return obstacle_action_create(obstacle=self.obstacle, user=options["user"], **fields)

    def get_success_url_for(self, saved) -> str:
        return self.obstacle.get_absolute_url()


def obstacle_convert(request, pk: int):
    """Confirm that the obstacle is State-caused force majeure blocking the land, then create the period."""
    obstacle = obstacle_get(pk=pk, user=request.user, action="change")
    access.require(request.user, ForceMajeurePeriod, "add")
    error = conversion_error(obstacle)
    form = ObstacleConvertForm(request.POST or None, user=request.user)
    if request.method == "POST" and error is None and form.is_valid():
        try:
            period = obstacle_convert_to_force_majeure(obstacle=obstacle, user=request.user)
        except ValidationError as refusal:
            apply_validation_error(form, refusal)
        else:
            messages.success(request, gettext(
                "The force-majeure period %(start)s – %(end)s is recorded on project %(project)s; its watchlist clocks "
                "pause for it.") % {"start": period.start_date.strftime("%d/%m/%Y"),
                                     "end": period.end_date.strftime("%d/%m/%Y"), "project": obstacle.project.code})
            return HttpResponseRedirect(obstacle.get_absolute_url())
    start, end = period_dates(obstacle)
    return render(request, "industry/obstacle_convert.html", {
        "obstacle": obstacle, "form": form, "error": error, "start": start, "end": end,
        "title": gettext("Turn into a force-majeure period"),
    }, status=400 if request.method == "POST" and error else 200)

