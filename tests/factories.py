"""Factories shared by every test folder."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.db import transaction

from mycommerce.models import Membership, Store
from mycommerce.plans import Plan
from mycommerce.roles import Role
from numbering.services import numbering_allocate
from orders.models import Order, OrderLine
from orders.search import order_search_text_for

PASSWORD = "correct-horse-battery"


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store

    name = factory.Sequence(lambda n: f"Boutique {n}")
    legal_address = "12 rue de la Paix\n75002 Paris"
    vat_number = "FR44732829320"
    plan = Plan.STANDARD
    language = "fr"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    store = factory.SubFactory(StoreFactory)
    role = Role.STAFF


class OrderFactory(factory.django.DjangoModelFactory):
    """An order numbered by the numbering service, with lines and consistent totals.

    `lines` is a list of (sku, name, quantity, unit_price); totals follow from it.
    """

    class Meta:
        model = Order

    store = factory.SubFactory(StoreFactory)
    customer_name = factory.Sequence(lambda n: f"Client {n}")
    customer_email = factory.Sequence(lambda n: f"client{n}@example.fr")
    billing_name = factory.SelfAttribute("customer_name")
    billing_street = "1 rue de Rivoli"
    billing_postcode = "01000"
    billing_city = "Bourg-en-Bresse"
    billing_country = "FR"
    shipping_name = factory.SelfAttribute("customer_name")
    shipping_street = "1 rue de Rivoli"
    shipping_postcode = "01000"
    shipping_city = "Bourg-en-Bresse"
    shipping_country = "FR"
    currency = "EUR"

    @classmethod
    def _create(cls, model_class, *args, lines=None, **kwargs):
        lines = lines or [("SKU-1", "Tasse en céramique", 2, Decimal("10.00"))]
        with transaction.atomic():
            if "number" not in kwargs:
                allocated = numbering_allocate(store=kwargs["store"])[0]
                kwargs.setdefault("number", allocated.number)
                kwargs.setdefault("reference", allocated.reference)
            kwargs.setdefault("reference", str(kwargs["number"]))
            subtotal = sum((Decimal(q) * Decimal(p) for _, _, q, p in lines), Decimal("0.00"))
            kwargs.setdefault("subtotal", subtotal)
            kwargs.setdefault(
                "total",
                kwargs["subtotal"]
                - kwargs.get("discount_total", Decimal("0"))
                + kwargs.get("shipping_total", Decimal("0")),
            )
            order = model_class(*args, **kwargs)
            # As every writer does: the search text of its fields and lines.
            order.search_text = order_search_text_for(
                order, [(sku, name) for sku, name, _, _ in lines]
            )
            order.save()
            OrderLine.objects.bulk_create(
                OrderLine(
                    order=order,
                    position=i,
                    sku=sku,
                    name=name,
                    quantity=qty,
                    unit_price=Decimal(price),
                    line_total=Decimal(qty) * Decimal(price),
                )
                for i, (sku, name, qty, price) in enumerate(lines)
            )
        return order
