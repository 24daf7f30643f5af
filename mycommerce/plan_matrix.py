"""What the plan page offers: each row of the plan matrix, the feature of plans.py that includes
it, and the page that does it. A row whose page does not exist yet (its URL name does not
reverse) is listed as coming soon, never sold; it joins the matrix by itself when its app lands.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mycommerce.plans import PLAN_ORDER, Feature, plan_has_feature


@dataclass(frozen=True)
class PlanRow:
    label: Promise
    feature: Feature
    url_name: str


PLAN_ROWS: tuple[PlanRow, ...] = (
    PlanRow(
        _("Order list, detail, statuses, refunds, invoices, CSV export"),
        Feature.ORDERS,
        "orders:list",
    ),
    PlanRow(_("Sales reports"), Feature.ORDERS, "reports:index"),
    PlanRow(Feature.CUSTOM_NUMBERING.label, Feature.CUSTOM_NUMBERING, "numbering:settings"),
    PlanRow(Feature.ORDER_EDITING.label, Feature.ORDER_EDITING, "orders:new"),
    PlanRow(Feature.ABANDONED_CARTS.label, Feature.ABANDONED_CARTS, "carts:list"),
)


def page_exists(url_name: str) -> bool:
    try:
        reverse(url_name)
    except NoReverseMatch:
        return False
    return True


@dataclass(frozen=True)
class PlanMatrix:
    # (row, [included in each plan of PLAN_ORDER])
    rows: list[tuple[PlanRow, list[bool]]]
    coming_soon: list[PlanRow]


def plan_matrix(rows: tuple[PlanRow, ...] = PLAN_ROWS) -> PlanMatrix:
    available = [row for row in rows if page_exists(row.url_name)]
    return PlanMatrix(
        rows=[
            (row, [plan_has_feature(plan, row.feature) for plan in PLAN_ORDER]) for row in available
        ],
        coming_soon=[row for row in rows if row not in available],
    )
