"""Roles within a store, and the one way to ask "may this member do Y?"."""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from mycommerce.plans import ensure_store_has_feature


class Role(models.TextChoices):
    STAFF = "staff", _("Staff")
    ADMIN = "admin", _("Admin")
    OWNER = "owner", _("Owner")


class Permission(models.TextChoices):
    MANAGE_ORDERS = "manage_orders", _("Work on orders")
    MANAGE_SETTINGS = "manage_settings", _("Change store settings")
    MANAGE_PLAN = "manage_plan", _("Change the plan and members")
    MANAGE_API_KEYS = "manage_api_keys", _("Create and revoke the storefront's API keys")


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.STAFF: frozenset({Permission.MANAGE_ORDERS}),
    Role.ADMIN: frozenset({Permission.MANAGE_ORDERS, Permission.MANAGE_SETTINGS}),
    Role.OWNER: frozenset(
        {
            Permission.MANAGE_ORDERS,
            Permission.MANAGE_SETTINGS,
            Permission.MANAGE_PLAN,
            Permission.MANAGE_API_KEYS,
        }
    ),
}


def roles_with(permission: str) -> list[Role]:
    return [Role(role) for role, allowed in ROLE_PERMISSIONS.items() if permission in allowed]


def role_refusal_message(permission: str) -> str:
    """Why a role may not do something, naming the roles that may (never a plan)."""
    return _(
        "Your role in this store does not allow this: %(permission)s. "
        "Ask a member whose role is %(roles)s."
    ) % {
        "permission": Permission(permission).label,
        "roles": _(" or ").join(str(role.label) for role in roles_with(permission)),
    }


class RoleNotAllowed(PermissionDenied):
    def __init__(self, permission: str):
        self.permission = Permission(permission)
        super().__init__(role_refusal_message(permission))


def member_can(membership, permission: str) -> bool:
    return membership is not None and permission in ROLE_PERMISSIONS.get(membership.role, ())


def ensure_member_can(membership, permission: str) -> None:
    if not member_can(membership, permission):
        raise RoleNotAllowed(permission)


def ensure_member_may(membership, permission: str, *, feature: str | None = None) -> None:
    """The server-side guard of views and services: the member's role allows `permission`
    and, when given, the store's plan includes `feature`."""
    ensure_member_can(membership, permission)
    if feature:
        ensure_store_has_feature(membership.store, feature)
