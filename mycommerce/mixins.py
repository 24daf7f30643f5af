"""View guards: store membership, role and plan, asked of plans.py and roles.py."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from mycommerce.plans import ensure_store_has_feature
from mycommerce.roles import ensure_member_can


def ensure_store_member(request) -> None:
    if request.store is None:
        raise PermissionDenied(_("Your account is not a member of any store."))


class StoreMemberRequiredMixin:
    """Every store page: signed in (LoginRequiredMiddleware) and a member of the current store.

    Set `required_permission` and/or `required_feature` to guard a view further.
    """

    required_permission: str | None = None
    required_feature: str | None = None

    def dispatch(self, request, *args, **kwargs):
        ensure_store_member(request)
        if self.required_permission:
            ensure_member_can(request.membership, self.required_permission)
        if self.required_feature:
            ensure_store_has_feature(request.store, self.required_feature)
        return super().dispatch(request, *args, **kwargs)


def store_member_required(view=None, *, permission: str | None = None, feature: str | None = None):
    """Function-view twin of StoreMemberRequiredMixin."""

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            ensure_store_member(request)
            if permission:
                ensure_member_can(request.membership, permission)
            if feature:
                ensure_store_has_feature(request.store, feature)
            return func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator
