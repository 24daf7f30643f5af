"""The intake API's operations: thin, each parses its input with a schema, calls one service
and shapes the answer. The key's store (request.auth.store) scopes everything."""

from django.shortcuts import get_object_or_404
from ninja import Header, Path, Router, Status

from carts.api.schemas import CartIn, CartOut, CheckoutIn, OrderOut, Problem
from carts.models import Cart
from carts.parts import TOKEN_PATTERN, CartData, CartLineData, CheckoutData
from carts.services import cart_checkout, cart_get_for_store, cart_upsert
from mycommerce.plans import Feature, ensure_store_has_feature
from numbering.validators import MAX_NUMBER
from orders.models import Order
from orders.selectors import order_queryset_for_store

router = Router()

ERRORS = {code: Problem for code in (400, 401, 403, 404, 409, 413, 415, 422)}
Token = Path(..., pattern=TOKEN_PATTERN, description="The storefront's own id of the cart.")


def _store(request):
    store = request.auth.store
    ensure_store_has_feature(store, Feature.ABANDONED_CARTS)
    return store


def cart_out(cart: Cart) -> dict:
    order = cart.order
    return {
        "token": cart.token,
        "state": cart.state,
        "customer": {
            "name": cart.customer_name,
            "email": cart.customer_email,
            "marketing_consent": cart.marketing_consent,
        },
        "language": cart.language,
        "currency": cart.currency,
        "lines": list(
            cart.lines.values("sku", "name", "quantity", "unit_price", "line_total", "vat_rate")
        ),
        "total": cart.subtotal,
        "created_at": cart.created_at,
        "updated_at": cart.updated_at,
        "order": {"reference": order.reference, "number": order.number} if order else None,
    }


@router.put(
    "carts/{token}",
    response={200: CartOut, 201: CartOut, **ERRORS},
    summary="Create or update a cart",
    tags=["carts"],
)
def put_cart(request, payload: CartIn, token: str = Token):
    """Send the whole cart each time (its lines replace the previous ones). Any change counts
    as the customer's activity: an abandoned cart becomes active again."""
    data = CartData(
        customer_name=payload.customer.name,
        customer_email=payload.customer.email,
        marketing_consent=payload.customer.marketing_consent,
        language=payload.language or "",
        currency=payload.currency,
        lines=[
            CartLineData(
                sku=line.sku,
                name=line.name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
            )
            for line in payload.lines
        ],
    )
    cart, created = cart_upsert(store=_store(request), token=token, data=data)
    return Status(201 if created else 200, cart_out(cart))


@router.get(
    "carts/{token}", response={200: CartOut, **ERRORS}, summary="Read a cart", tags=["carts"]
)
def get_cart(request, token: str = Token):
    return cart_out(cart_get_for_store(store=_store(request), token=token))


@router.post(
    "carts/{token}/checkout",
    response={200: OrderOut, 201: OrderOut, **ERRORS},
    summary="Check a cart out into an order",
    tags=["carts"],
)
def checkout(
    request,
    payload: CheckoutIn | None = None,
    token: str = Token,
    idempotency_key: str = Header(
        "",
        alias="Idempotency-Key",
        max_length=255,
        pattern=r"^[!-~]*$",
        description="Optional; the same key (or the same cart) checked out again gives the "
        "same order, answered with 200 instead of 201.",
    ),
):
    payload = payload or CheckoutIn()  # a bare POST: awaiting payment, nothing added
    data = CheckoutData(
        paid=payload.paid,
        customer_phone=payload.phone,
        billing_name=payload.billing.name,
        billing_street=payload.billing.street,
        billing_postcode=payload.billing.postcode,
        billing_city=payload.billing.city,
        billing_country=payload.billing.country,
        shipping_name=payload.shipping.name,
        shipping_street=payload.shipping.street,
        shipping_postcode=payload.shipping.postcode,
        shipping_city=payload.shipping.city,
        shipping_country=payload.shipping.country,
        shipping_method=payload.shipping.method,
        shipping_total=payload.shipping.cost,
        taxes=[(tax.name, tax.rate) for tax in payload.taxes],
    )
    order, created = cart_checkout(
        store=_store(request), token=token, data=data, idempotency_key=idempotency_key.strip()
    )
    return Status(201 if created else 200, order_out(order))


def order_out(order: Order) -> dict:
    out = {
        field: getattr(order, field)
        for field in (
            "reference",
            "number",
            "payment_status",
            "fulfillment_status",
            "carrier",
            "carrier_code",
            "tracking_number",
            "total",
            "currency",
            "created_at",
        )
    }
    return {**out, "tracking_url": order.tracking_url}


@router.get(
    "orders/{number}",
    response={200: OrderOut, **ERRORS},
    summary="Read an order's statuses and tracking",
    tags=["orders"],
)
def get_order(
    request,
    number: int = Path(
        ..., ge=1, le=MAX_NUMBER, description="The order's number, as the checkout answered."
    ),
):
    store = _store(request)
    return order_out(get_object_or_404(order_queryset_for_store(store=store), number=number))
