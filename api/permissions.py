"""Who may call what: a logged-in caller (token or session) with the model's permission for the method's action;
the rows themselves go through tracker.access (restrict, get_for_user) in the views."""
from rest_framework import permissions

from tracker import access

METHOD_ACTIONS = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add", "PUT": "change",
                  "PATCH": "change", "DELETE": "delete"}


class ModelPermission(permissions.BasePermission):
    """Closed to anonymous callers; a view names its `model` (and may map methods to other actions)."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        model = getattr(view, "model", None)
        if model is None:  # the schema and the documentation: any logged-in caller
            return True
        action = view.action_for(request) if hasattr(view, "action_for") else METHOD_ACTIONS.get(request.method, "change")
        if action is None:
            return True  # the view checks for itself (a review step: the review service)
        return access.can(user, getattr(view, "permission_model", None) or model, action)
