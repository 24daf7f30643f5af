"""The intake API's request and response bodies. Unknown fields are refused; the bounds are
the services' own (carts/services.py), so the schema documents what the server enforces."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from carts.parts import MAX_QUANTITY, MAX_UNIT_PRICE
from orders.parts import MAX_LINES

Money = Decimal


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def no_nul_character(cls, value):
        # PostgreSQL cannot store it, and no name or address has one.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError(_("This text contains a NUL character."))
        return value


class CustomerIn(Strict):
    name: str = Field("", max_length=200, examples=["Camille Martin"])
    email: str = Field("", max_length=254, examples=["camille.martin@example.fr"])
    marketing_consent: bool = Field(
        False,
        strict=True,
        description="The customer agreed to receive marketing e-mails (reminders go only to "
        "them, or to existing customers of the store).",
    )


class LineIn(Strict):
    sku: str = Field("", max_length=64, examples=["TSH-BLC-M"])
    name: str = Field(..., min_length=1, max_length=255, examples=["T-shirt coton bio (M)"])
    quantity: int = Field(..., strict=True, ge=1, le=MAX_QUANTITY, examples=[2])
    unit_price: Decimal = Field(
        ...,
        ge=0,
        le=MAX_UNIT_PRICE,
        max_digits=12,
        decimal_places=2,
        description=(
            "Price of one item, as a string or a number: including or excluding VAT as the "
            "store's prices are (its price mode)."
        ),
        examples=["19.90"],
    )
    vat_rate: Decimal | None = Field(
        None,
        ge=0,
        lt=100,
        max_digits=5,
        decimal_places=2,
        description=(
            "The line's VAT rate in percent, one of the store's (e.g. 20, 10, 5.5): on every "
            "line or on none. With them the order is taxed per line, as its invoices are; "
            "without them, by the checkout's `taxes`."
        ),
        examples=["20"],
    )


class CartIn(Strict):
    customer: CustomerIn = Field(default_factory=CustomerIn)
    language: Literal["fr", "en"] | None = Field(
        None, description="The customer's language; the store's when left out."
    )
    currency: str = Field(
        "", pattern=r"^[A-Z]{3}$|^$", description="ISO 4217 code; must be the store's."
    )
    lines: list[LineIn] = Field(default_factory=list, max_length=MAX_LINES)


class LineOut(Schema):
    sku: str
    name: str
    quantity: int
    unit_price: Money
    line_total: Money
    vat_rate: Decimal | None


class CustomerOut(Schema):
    name: str
    email: str
    marketing_consent: bool


class OrderRef(Schema):
    reference: str
    number: int


class CartOut(Schema):
    token: str
    state: Literal["active", "abandoned", "ordered", "recovered"]
    customer: CustomerOut
    language: str
    currency: str
    lines: list[LineOut]
    total: Money
    created_at: datetime
    updated_at: datetime
    order: OrderRef | None


class AddressIn(Strict):
    name: str = Field("", max_length=200)
    street: str = Field("", max_length=255)
    postcode: str = Field("", max_length=20)
    city: str = Field("", max_length=120)
    country: str = Field("", pattern=r"^[A-Z]{2}$|^$", description="ISO 3166-1 alpha-2 code.")


class ShippingIn(AddressIn):
    method: str = Field("", max_length=120, examples=["Colissimo"])
    cost: Decimal = Field(Decimal("0.00"), ge=0, le=MAX_UNIT_PRICE, decimal_places=2)


class TaxIn(Strict):
    name: str = Field(..., min_length=1, max_length=120, examples=["TVA 20 %"])
    rate: Decimal = Field(..., ge=0, le=100, decimal_places=3, examples=["20"])


class CheckoutIn(Strict):
    paid: bool = Field(
        False, strict=True, description="Paid at the storefront (else: awaiting payment)."
    )
    phone: str = Field("", max_length=40)
    billing: AddressIn = Field(default_factory=AddressIn)
    shipping: ShippingIn = Field(default_factory=ShippingIn)
    taxes: list[TaxIn] = Field(
        default_factory=list,
        max_length=10,
        description="The order's taxes, for carts whose lines have no VAT rate.",
    )


class OrderOut(Schema):
    reference: str
    number: int
    payment_status: Literal[
        "awaiting_payment", "paid", "cancelled", "refunded", "partially_refunded"
    ]
    fulfillment_status: Literal[
        "awaiting_processing",
        "processing",
        "ready_for_pickup",
        "shipped",
        "delivered",
        "will_not_deliver",
        "returned",
    ]
    carrier: str
    carrier_code: str = Field(
        ...,
        description="colissimo, chronopost, mondial_relay, lettre_suivie, dpd, gls, ups, dhl, "
        "fedex, other; empty when the order names its carrier only in `carrier`.",
    )
    tracking_number: str
    tracking_url: str = Field(
        ..., description="The carrier's tracking page for the number; empty when none is known."
    )
    total: Money
    currency: str
    created_at: datetime


class FieldError(Schema):
    field: str = Field(..., examples=["lines[0].quantity"])
    message: str


class Problem(Schema):
    """RFC 9457 problem details (served as application/problem+json)."""

    type: str = Field(..., examples=["tag:mycommerce,2026:problems/validation"])
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldError] | None = None
