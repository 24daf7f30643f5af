import pytest
from django.utils import translation

from mycommerce.plans import (
    Feature,
    FeatureNotInPlan,
    Plan,
    ensure_store_has_feature,
    lowest_plan_with,
    store_has_feature,
)
from tests.factories import StoreFactory

MATRIX = {
    # feature: plans that include it (DESIGN.md, plan matrix)
    Feature.ORDERS: {Plan.FREE, Plan.STARTER, Plan.STANDARD, Plan.PROFESSIONAL},
    Feature.CUSTOM_NUMBERING: {Plan.STARTER, Plan.STANDARD, Plan.PROFESSIONAL},
    Feature.ORDER_EDITING: {Plan.STANDARD, Plan.PROFESSIONAL},
    Feature.ABANDONED_CARTS: {Plan.STANDARD, Plan.PROFESSIONAL},
}


@pytest.mark.parametrize("plan", list(Plan))
@pytest.mark.parametrize("feature", list(Feature))
def test_store_has_feature_follows_the_plan_matrix(plan, feature):
    store = StoreFactory.build(plan=plan)
    assert store_has_feature(store, feature) is (plan in MATRIX[feature])


def test_refusal_names_the_lowest_plan_that_has_the_feature():
    store = StoreFactory.build(plan=Plan.FREE)
    with pytest.raises(FeatureNotInPlan) as refusal:
        ensure_store_has_feature(store, Feature.ORDER_EDITING)
    assert refusal.value.required_plan == Plan.STANDARD
    assert "Standard" in str(refusal.value)
    assert lowest_plan_with(Feature.CUSTOM_NUMBERING) == Plan.STARTER


def test_refusal_is_translated():
    with translation.override("fr"):
        message = str(FeatureNotInPlan(Feature.CUSTOM_NUMBERING))
    assert "Numérotation personnalisée des commandes" in message
    assert "Passez" in message
