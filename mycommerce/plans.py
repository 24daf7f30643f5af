"""The plan matrix of DESIGN.md, and the one way to ask "may this store use feature X?"."""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Plan(models.TextChoices):
    FREE = "free", _("Free")
    STARTER = "starter", _("Starter")
    STANDARD = "standard", _("Standard")
    PROFESSIONAL = "professional", _("Professional")


class Feature(models.TextChoices):
    ORDERS = "orders", _("Order list, detail, statuses, refunds, invoices, CSV export, reports")
    CUSTOM_NUMBERING = "custom_numbering", _("Custom order numbering")
    ORDER_EDITING = "order_editing", _("Order editing and manual order creation")
    ABANDONED_CARTS = "abandoned_carts", _("Abandoned cart recovery")


PLAN_ORDER = [Plan.FREE, Plan.STARTER, Plan.STANDARD, Plan.PROFESSIONAL]

PLAN_FEATURES: dict[str, frozenset[str]] = {
    Plan.FREE: frozenset({Feature.ORDERS}),
    Plan.STARTER: frozenset({Feature.ORDERS, Feature.CUSTOM_NUMBERING}),
    Plan.STANDARD: frozenset(
        {
            Feature.ORDERS,
            Feature.CUSTOM_NUMBERING,
            Feature.ORDER_EDITING,
            Feature.ABANDONED_CARTS,
        }
    ),
    Plan.PROFESSIONAL: frozenset(
        {
            Feature.ORDERS,
            Feature.CUSTOM_NUMBERING,
            Feature.ORDER_EDITING,
            Feature.ABANDONED_CARTS,
        }
    ),
}


class FeatureNotInPlan(PermissionDenied):
    """Raised by views and services alike when the store's plan lacks a feature."""

    def __init__(self, feature: str):
        self.feature = Feature(feature)
        self.required_plan = lowest_plan_with(feature)
        super().__init__(upgrade_message(feature))


def plan_has_feature(plan: str, feature: str) -> bool:
    return feature in PLAN_FEATURES.get(plan, frozenset())


def store_has_feature(store, feature: str) -> bool:
    return plan_has_feature(store.plan, feature)


def ensure_store_has_feature(store, feature: str) -> None:
    if not store_has_feature(store, feature):
        raise FeatureNotInPlan(feature)


def lowest_plan_with(feature: str) -> Plan:
    return next(plan for plan in PLAN_ORDER if plan_has_feature(plan, feature))


def upgrade_message(feature: str) -> str:
    return _(
        "“%(feature)s” is not included in your plan. Upgrade to %(plan)s or higher to use it."
    ) % {
        "feature": Feature(feature).label,
        "plan": lowest_plan_with(feature).label,
    }
