"""The REST API's endpoints (/api/v1/). Every queryset goes through tracker.access (restrict, get_for_user): a
commune officer's token sees and changes only their communes (404 outside). Writes go through the services of the
forms (projects/services.py, clusters/services.py, projects/watchlist/reviews.py) with a reason (`X-Change-Reason`
or a `change_reason` field); PUT, PATCH and DELETE need `If-Match` with the object's ETag (428 without, 412 when
someone saved it since, with what changed)."""
import hashlib

from django.db import transaction
from django.db.models import Q
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers as drf_serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from api import serializers as s
from api.exceptions import PreconditionFailed, PreconditionRequired
from api.records import bulk_import
from clusters.filters import ClusterFilter
from clusters.models import Cluster, Commune
from clusters.selectors import cluster_queryset
from clusters.services import cluster_create, cluster_update
from projects.filters import InvestorFilter, ProjectFilter
from projects.models import AnnualTarget, Document, Flag, Investor, Project, ReviewStep, Scan, ScheduleAdjustment
from projects.selectors import investor_queryset
from projects.services import (
    investor_create, investor_update, project_create, project_record_create, project_record_delete,
    project_record_update, project_update, schedule_adjustment_create, target_save,
)
from projects.watchlist.coming_due import DEFAULT_HORIZON, due_deadlines, due_rows_of
from projects.watchlist.filters import FlagFilter
from projects.watchlist.reviews import review_step_record
from projects.watchlist.selectors import flag_queryset
from tracker import access
from tracker.history import changes_since
from tracker.services import ConflictError

REASON_HEADER = "X-Change-Reason"
IF_MATCH = OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                            description="The ETag of the object as last read.")
REASON = OpenApiParameter(REASON_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                          description="Why the change is made; kept in the object's history.")


class ScopedFilterBackend(DjangoFilterBackend):
    """The pages' FilterSets, given the caller so that their choices are the caller's (tracker.filters)."""

    def get_filterset_kwargs(self, request, queryset, view):
        return {**super().get_filterset_kwargs(request, queryset, view), "user": request.user}


def etag_of(obj) -> str:
    """`"project-12-v3"` for a versioned object; `"capitalreport-7-h41"` (its last historical record) otherwise."""
    name = type(obj)._meta.model_name
    if hasattr(obj, "version"):
        return f'"{name}-{obj.pk}-v{obj.version}"'
    if hasattr(obj, "history"):
        latest = obj.history.order_by("-history_id").values_list("history_id", flat=True).first()
        return f'"{name}-{obj.pk}-h{latest}"'
    fields = {field.attname: getattr(obj, field.attname) for field in type(obj)._meta.concrete_fields}
    digest = hashlib.sha256(repr(sorted(fields.items())).encode()).hexdigest()[:16]
    return f'"{name}-{obj.pk}-{digest}"'


def _changes_json(changes) -> list[dict]:
    return [{"field": str(label), "old": str(old), "new": str(new)} for label, old, new in changes]


class ApiViewSet(viewsets.GenericViewSet):
    """A model's endpoint: the caller's rows (restrict), one row by get_for_user, writes through `perform_*`."""

    model = None
    filter_backends = [ScopedFilterBackend]
    filterset_class = None
    ordering = ("pk",)
    error_fields: dict = {}

    def base_queryset(self):
        return self.model.objects.all()

    def get_queryset(self):
        queryset = access.restrict(self.base_queryset(), self.request.user, "view",
                                   permission_of=getattr(self, "permission_model", None))
        if self.filterset_class is None:
            queryset = queryset.order_by(*self.ordering)
        return queryset

    def get_object(self, action: str = "view"):
        if not str(self.kwargs["pk"]).isdigit():
            raise NotFound(_("Not found."))
        if getattr(self, "permission_model", None) is not None:  # read only, under the parent's permission
            obj = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
            if obj is None:
                raise NotFound(_("Not found."))
            return obj
        obj = access.get_for_user(self.base_queryset(), self.request.user, action, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, obj)
        return obj

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if not kwargs.get("many"):
            self.error_fields = {
                field.source: name for name, field in serializer.fields.items() if field.source not in (name, "*")
            }
        return serializer

    def reason(self) -> str:
        reason = self.request.headers.get(REASON_HEADER, "")
        try:  # WSGI hands headers over as latin-1; a client sends Vietnamese as UTF-8 bytes
            reason = reason.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
        if not reason and isinstance(self.request.data, dict):
            reason = str(self.request.data.get("change_reason") or "")
        return reason.strip()[:100]

    def with_etag(self, obj, data, status_code=status.HTTP_200_OK) -> Response:
        return Response(data, status=status_code, headers={"ETag": etag_of(obj)})

    def check_if_match(self, obj):
        """428 without If-Match; 412 when it is not the object's current ETag, with what changed since."""
        sent = self.request.headers.get("If-Match", "").strip()
        if not sent or sent == "*":
            raise PreconditionRequired(_("Send the object's ETag in If-Match (read the object first)."))
        current = etag_of(obj)
        if sent.removeprefix("W/") == current:
            return None
        changes = []
        prefix = current.rsplit("-", 1)[0]
        tail = sent.strip('"').rsplit("-", 1)[-1]
        if sent.strip('"').startswith(prefix.strip('"') + "-") and tail[1:].isdigit():
            if tail.startswith("v") and hasattr(obj, "version"):
                conflict = ConflictError(instance=obj, expected_version=int(tail[1:]), current_version=obj.version)
                changes = conflict.changes
            elif tail.startswith("h") and hasattr(obj, "history"):
                changes = changes_since(obj, int(tail[1:]))
        raise PreconditionFailed(
            _("Someone saved this record after you read it; nothing was written. Read it again and re-apply your "
              "change."),
            changes=_changes_json(changes), current=self.get_serializer(obj).data,
        )

    def expected_version(self) -> int | None:
        tail = self.request.headers.get("If-Match", "").strip().strip('"').rsplit("-", 1)[-1]
        return int(tail[1:]) if tail.startswith("v") and tail[1:].isdigit() else None

    def conflict(self, exc: ConflictError, obj):
        obj.refresh_from_db()
        raise PreconditionFailed(exc.summary, changes=_changes_json(exc.changes),
                                 current=self.get_serializer(obj).data) from exc

    def get_object_fresh(self, obj):
        if getattr(self, "permission_model", None) is not None:
            return self.get_queryset().get(pk=obj.pk)
        return access.get_for_user(self.base_queryset(), self.request.user, "view", pk=obj.pk)


class ReadMixin:
    """GET of the list (the page's FilterSet, paginated) and of one object (with its ETag)."""

    def list(self, request, *args, **kwargs):
        """The page in two steps: the keys of the page's rows (filtered and sorted on the model's own table, joined
        only where a filter or the sort needs it), then those rows with what they show. A deep page (OFFSET 50,000
        at 100,000 projects) does not join and sort every row to throw most away (docs/benchmarks.md)."""
        queryset = self.filter_queryset(self.get_queryset())
        keys = self.paginate_queryset(queryset.values_list("pk", flat=True))
        rows = self.list_queryset().in_bulk(list(keys))
        page = [rows[key] for key in keys if key in rows]
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def list_queryset(self):
        """The rows of a list's page: the object's own, unless the view names what its list shows."""
        return self.base_queryset()

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        return self.with_etag(obj, self.get_serializer(obj).data)


class WriteMixin:
    """POST, PUT, PATCH and DELETE through the view's `perform_*_service` (a service of the forms)."""

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self.perform_create_service(serializer.validated_data)
        obj = self.get_object_fresh(obj)
        return self.with_etag(obj, self.get_serializer(obj).data, status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        obj = self.get_object("change")
        self.check_if_match(obj)
        serializer = self.get_serializer(obj, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        try:
            obj = self.perform_update_service(obj, serializer.validated_data)
        except ConflictError as exc:
            self.conflict(exc, obj)
        obj = self.get_object_fresh(obj)
        return self.with_etag(obj, self.get_serializer(obj).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        obj = self.get_object("delete")
        self.check_if_match(obj)
        self.perform_destroy_service(obj)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- reference and registry ------------------------------------------------------------------------------------


class CommuneViewSet(ReadMixin, ApiViewSet):
    model = Commune
    serializer_class = s.CommuneSerializer
    ordering = ("name", "pk")

    def base_queryset(self):
        return Commune.objects.select_related("former_district")


@extend_schema_view(update=extend_schema(parameters=[IF_MATCH, REASON]),
                    partial_update=extend_schema(parameters=[IF_MATCH, REASON]), create=extend_schema(parameters=[REASON]))
class ClusterViewSet(ReadMixin, WriteMixin, ApiViewSet):
    model = Cluster
    serializer_class = s.ClusterSerializer
    filterset_class = ClusterFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def base_queryset(self):
        return cluster_queryset()

    def perform_create_service(self, data):
        return cluster_create(user=self.request.user, change_reason=self.reason(), **data)

    def perform_update_service(self, obj, data):
        obj = Cluster.objects.get(pk=obj.pk)
        return cluster_update(cluster=obj, user=self.request.user, change_reason=self.reason(),
                              expected_version=self.expected_version(), **data)


@extend_schema_view(update=extend_schema(parameters=[IF_MATCH, REASON]),
                    partial_update=extend_schema(parameters=[IF_MATCH, REASON]), create=extend_schema(parameters=[REASON]))
class InvestorViewSet(ReadMixin, WriteMixin, ApiViewSet):
    model = Investor
    serializer_class = s.InvestorSerializer
    filterset_class = InvestorFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def base_queryset(self):
        return investor_queryset(self.request.user)

    def perform_create_service(self, data):
        return investor_create(user=self.request.user, change_reason=self.reason(), **data)

    def perform_update_service(self, obj, data):
        obj = Investor.objects.get(pk=obj.pk)
        return investor_update(investor=obj, user=self.request.user, change_reason=self.reason(),
                               expected_version=self.expected_version(), **data)


class BulkResultSerializer(drf_serializers.Serializer):
    committed = drf_serializers.BooleanField()
    counts = drf_serializers.DictField(child=drf_serializers.IntegerField())
    rows = drf_serializers.ListField(child=drf_serializers.DictField())


@extend_schema_view(update=extend_schema(parameters=[IF_MATCH, REASON]),
                    partial_update=extend_schema(parameters=[IF_MATCH, REASON]), create=extend_schema(parameters=[REASON]))
class ProjectViewSet(ReadMixin, WriteMixin, ApiViewSet):
    model = Project
    serializer_class = s.ProjectSerializer
    filterset_class = ProjectFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def base_queryset(self):
        return Project.objects.select_related("cluster", "cluster__commune", "investor").defer("search_text")

    def list_queryset(self):
        """A page of projects reads of their cluster, commune and investor only what it shows: the rows of 100
        projects in 10 instead of 17 ms at 100,000 projects (the investors' and clusters' other columns were
        hashed for the join and turned into objects). The pinned query count of the list would see a column read
        after the fact (one query per row)."""
        own = [field.name for field in Project._meta.concrete_fields if field.name != "search_text"]
        return self.base_queryset().only(*own, "cluster__code", "cluster__name", "cluster__commune__name",
                                         "investor__tax_code", "investor__name")

    def action_for(self, request):
        if self.action == "bulk":
            return "add"  # and change: the import engine checks each row (tracker.access)
        return super_action(request)

    def perform_create_service(self, data):
        return project_create(user=self.request.user, change_reason=self.reason(), **data)

    def perform_update_service(self, obj, data):
        obj = Project.objects.select_related("cluster").get(pk=obj.pk)
        effective_on = data.pop("status_effective_on", None)
        return project_update(project=obj, user=self.request.user, change_reason=self.reason(),
                              expected_version=self.expected_version(), status_effective_on=effective_on, **data)

    @extend_schema(request=drf_serializers.ListSerializer(child=drf_serializers.DictField()),
                   responses={200: BulkResultSerializer}, parameters=[REASON])
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def bulk(self, request):
        """Run the import engine on a JSON array of projects (the import template's keys): all or nothing; a
        refused array names every row's errors (`errors["3"]` is the third item)."""
        result = bulk_import(request.data, user=request.user, change_reason=self.reason())
        return Response(result)


def super_action(request):
    from api.permissions import METHOD_ACTIONS

    return METHOD_ACTIONS.get(request.method, "change")


@extend_schema_view(update=extend_schema(parameters=[IF_MATCH, REASON]),
                    partial_update=extend_schema(parameters=[IF_MATCH, REASON]), create=extend_schema(parameters=[REASON]))
class TargetViewSet(ReadMixin, WriteMixin, ApiViewSet):
    model = AnnualTarget
    serializer_class = s.TargetSerializer
    ordering = ("-year", "pk")
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create_service(self, data):
        return target_save(target=AnnualTarget(), user=self.request.user, change_reason=self.reason(), **data)

    def perform_update_service(self, obj, data):
        return target_save(target=obj, user=self.request.user, change_reason=self.reason(), **data)


# --- a project's records ----------------------------------------------------------------------------------------


class RecordFilterSerializer(drf_serializers.Serializer):
    project_code = drf_serializers.CharField(required=False)


PROJECT_CODE = OpenApiParameter("project_code", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False,
                                description="Only the records of this project.")


def record_viewset(url_name: str, *, writable: bool = True, deletable: bool = True, create_only: bool = False):
    model, serializer_class = s.MODELS[url_name]
    methods = ["get", "head", "options"]
    if writable:
        methods += ["post"] if create_only else ["post", "put", "patch"] + (["delete"] if deletable else [])

    @extend_schema_view(
        list=extend_schema(parameters=[PROJECT_CODE]),
        **({"update": extend_schema(parameters=[IF_MATCH, REASON]),
            "partial_update": extend_schema(parameters=[IF_MATCH, REASON]),
            "destroy": extend_schema(parameters=[IF_MATCH, REASON])} if writable and not create_only else {}),
        **({"create": extend_schema(parameters=[REASON])} if writable else {}),
    )
    class RecordViewSet(ReadMixin, *([WriteMixin] if writable else []), ApiViewSet):
        ordering = tuple(model._meta.ordering) + ("pk",)
        http_method_names = methods

        def base_queryset(self):
            return model.objects.select_related("project")

        def get_queryset(self):
            queryset = super().get_queryset()
            code = self.request.query_params.get("project_code")
            if code and "\x00" in code:  # no project code holds one (PostgreSQL refuses it in a query)
                return queryset.none()
            return queryset.filter(project__code=code) if code else queryset

        def perform_create_service(self, data):
            project = access.get_for_user(Project.objects.all(), self.request.user, "change", pk=data.pop("project").pk)
            if model is ScheduleAdjustment:
                return schedule_adjustment_create(project=project, user=self.request.user,
                                                  change_reason=self.reason(), **data)
            return project_record_create(model=model, project=project, user=self.request.user,
                                         change_reason=self.reason(), **data)

        def perform_update_service(self, obj, data):
            if "project" in data and data.pop("project").pk != obj.project_id:
                raise drf_serializers.ValidationError({"project_code": [_("A record cannot move to another project.")]})
            return project_record_update(record=obj, user=self.request.user, change_reason=self.reason(), **data)

        def perform_destroy_service(self, obj):
            project_record_delete(record=obj, user=self.request.user, change_reason=self.reason())

    RecordViewSet.model = model
    if model is s.MODELS["status-history"][0]:
        RecordViewSet.permission_model = Project  # the status history is part of the project (no permission of its own)
    RecordViewSet.serializer_class = serializer_class
    RecordViewSet.__name__ = RecordViewSet.__qualname__ = f"{model.__name__}ViewSet"
    return RecordViewSet


class DocumentViewSet(record_viewset("documents", writable=False)):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def download(self, request, pk=None):
        document = self.get_object()
        try:
            handle = document.file.open("rb")
        except FileNotFoundError:
            raise NotFound(_("The file of this document is missing.")) from None
        return FileResponse(handle, as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1],
                            content_type=document.content_type)


# --- the watchlist ----------------------------------------------------------------------------------------------


class FlagViewSet(ReadMixin, ApiViewSet):
    model = Flag
    serializer_class = s.FlagSerializer
    filterset_class = FlagFilter

    def base_queryset(self):
        return flag_queryset()

    def action_for(self, request):
        return None if self.action == "steps" and request.method == "POST" else super_action(request)

    def get_serializer_class(self):
        if self.action == "steps":
            return s.ReviewStepInputSerializer if self.request.method == "POST" else s.ReviewStepSerializer
        return super().get_serializer_class()

    @extend_schema(methods=["GET"], responses={200: s.ReviewStepSerializer(many=True)})
    @extend_schema(methods=["POST"], request=s.ReviewStepInputSerializer, responses={201: s.ReviewStepSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def steps(self, request, pk=None):
        """The flag's review steps; POST records one through the review service (the same rules as the page)."""
        flag = self.get_object()
        if request.method == "GET":
            steps = ReviewStep.objects.filter(flag=flag).order_by("created_at", "pk")
            return Response(s.ReviewStepSerializer(steps, many=True).data)
        if not (request.user.has_perm("projects.work_flag") or request.user.has_perm("projects.decide_flag")):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied(_("You do not have permission to do this."))
        serializer = s.ReviewStepInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        username = data.pop("assignee", "")
        assignee = None
        if username:
            from django.contrib.auth import get_user_model

            assignee = get_user_model().objects.filter(username=username).first()
            if assignee is None:
                raise drf_serializers.ValidationError({"assignee": [_("No such user.")]})
        with transaction.atomic():
            step = review_step_record(flag=flag, user=request.user, assignee=assignee, **data)
        return Response(s.ReviewStepSerializer(step).data, status=status.HTTP_201_CREATED)


class ScanViewSet(ReadMixin, ApiViewSet):
    model = Scan
    serializer_class = s.ScanSerializer
    ordering = ("-started_at", "-pk")

    def base_queryset(self):
        queryset = Scan.objects.select_related("project")
        communes = access.scoped_commune_ids(self.request.user)
        if communes is not None:  # a commune officer: the full runs and their own projects' rescans
            queryset = queryset.filter(Q(project__isnull=True) | Q(project__cluster__commune__in=communes))
        return queryset


class ComingDueQuery(drf_serializers.Serializer):
    days = drf_serializers.IntegerField(required=False, min_value=1, max_value=366, default=DEFAULT_HORIZON)
    rule = drf_serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema(parameters=[ComingDueQuery])
class ComingDueViewSet(ApiViewSet):
    """Projects that will meet a watchlist rule within `days` unless something happens first (the coming-due page)."""

    model = Project
    serializer_class = s.ComingDueSerializer

    def action_for(self, request):
        return "view"

    def list(self, request, *args, **kwargs):
        user = request.user
        if not (user.has_perm("projects.work_flag") or user.has_perm("projects.decide_flag")):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied(_("You do not have permission to do this."))
        query = ComingDueQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        # The dates the scan stored (docs/watchlist.md, "Coming due"), sorted and paged in SQL as on the page.
        deadlines = due_deadlines(user=user, today=today, days=query.validated_data["days"],
                                  rule_codes=[query.validated_data["rule"]] if query.validated_data["rule"] else None)
        rows = due_rows_of(self.paginate_queryset(deadlines), today)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


RECORD_VIEWSETS = {
    "capital-reports": record_viewset("capital-reports"),
    "adjustments": record_viewset("adjustments", create_only=True),
    "extensions": record_viewset("extensions"),
    "force-majeure-periods": record_viewset("force-majeure-periods"),
    "notices": record_viewset("notices"),
    "transfer-requests": record_viewset("transfer-requests"),
    "unreachable-records": record_viewset("unreachable-records"),
    "status-history": record_viewset("status-history", writable=False),
    "documents": DocumentViewSet,
}
