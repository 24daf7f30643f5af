"""Seed the demo stores: `python manage.py seed_demo [--orders N] [--stores K] [--password P]`.

Orders are inserted in batches so that a million of them take minutes, not hours.
"""

import random
import time
import unicodedata
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from carts.keys import api_key_create
from demo.carts import seed_carts
from mycommerce.models import Membership, Store
from mycommerce.plans import Feature, Plan, store_has_feature
from mycommerce.roles import Role
from numbering.services import numbering_allocate
from orders.carriers import carrier_get
from orders.database import database_analyze
from orders.events import event_created, line_data
from orders.models import Order, OrderEvent, OrderLine, Refund
from orders.search import order_search_text_for
from orders.statuses import FulfillmentStatus, PaymentStatus
from orders.totals import LinePart, VatScheme, totals_compute
from reports.summary import summary_rebuild

DEFAULT_PASSWORD = "demo-password-2026"
BATCH = 2000
CENT = Decimal("0.01")

STORES = [
    {
        "name": "MaBoutique",
        "plan": Plan.STANDARD,
        "legal_address": "12 rue de la Paix\n75002 Paris\nFrance",
        # Numbers whose check digits hold (python-stdnum), of no real company.
        "legal": {
            "legal_name": "MaBoutique SAS",
            "legal_form": "SAS",
            "share_capital": Decimal("10000"),
            "siren": "732829320",
            "siret": "73282932000074",
            "rcs_city": "Paris",
            "vat_number": "FR44732829320",
        },
        "usernames": ("owner", "admin", "staff"),
    },
    {
        "name": "Succursale Lyon",
        "plan": Plan.FREE,
        "legal_address": "8 place Bellecour\n69002 Lyon\nFrance",
        "legal": {
            "legal_name": "Claire Dubois",
            "legal_form": "EI",
            "siren": "987654324",
            "siret": "98765432400019",
            "vat_number": "FR14987654324",
        },
        "usernames": ("lyon-owner", "lyon-admin", "lyon-staff"),
    },
]

CATALOGUE = [
    ("TSH-BLC-M", "T-shirt coton bio blanc (M)", "19.90"),
    ("TSH-NR-L", "T-shirt coton bio noir (L)", "19.90"),
    ("SWT-MAR-M", "Sweat marinière (M)", "49.00"),
    ("TAS-CER-01", "Tasse en céramique émaillée", "14.50"),
    ("SAV-LAV-100", "Savon de Marseille à la lavande", "6.90"),
    ("BOU-BEE-03", "Bougie parfumée à la cire d'abeille", "24.00"),
    ("CAR-NOT-A5", "Carnet de notes A5 recyclé", "9.80"),
    ("SAC-TOI-NAT", "Sac cabas en toile naturelle", "17.00"),
    ("THE-VRT-100", "Thé vert jasmin, 100 g", "11.20"),
    ("CAF-ETH-250", "Café d'Éthiopie moulu, 250 g", "12.90"),
    ("CHO-NOI-70", "Tablette chocolat noir 70 %", "4.60"),
    ("ECH-LAI-BLE", "Écharpe en laine bleu nuit", "39.00"),
]
FIRST_NAMES = [
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Inès",
    "Jade",
    "Louise",
    "Zoé",
    "Hélène",
    "Élodie",
    "Lucas",
    "Hugo",
    "Louis",
    "Gabriel",
    "Arthur",
    "Raphaël",
    "Jules",
    "Théo",
    "Noé",
    "François",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "Fournier",
    "Girard",
    "Bonnet",
]
ADDRESSES = [
    ("rue de Rivoli", "75001", "Paris"),
    ("avenue Jean Jaurès", "69007", "Lyon"),
    ("boulevard de la Canebière", "13001", "Marseille"),
    ("rue Sainte-Catherine", "33000", "Bordeaux"),
    ("place du Capitole", "31000", "Toulouse"),
    ("rue de la République", "01000", "Bourg-en-Bresse"),
    ("quai des Chartrons", "33300", "Bordeaux"),
    ("rue Nationale", "59000", "Lille"),
    ("cours Mirabeau", "13100", "Aix-en-Provence"),
    ("rue du Général Leclerc", "06000", "Nice"),
]
# Carrier codes (orders/carriers.py), each with a number in its format.
CARRIERS = {
    "colissimo": lambda rng: f"8R{rng.randint(10**10, 10**11 - 1)}",
    "chronopost": lambda rng: f"XW{rng.randint(10**8, 10**9 - 1)}FR",
    "mondial_relay": lambda rng: f"{rng.randint(10**7, 10**8 - 1)}",
    "dpd": lambda rng: f"{rng.randint(10**13, 10**14 - 1)}",
}
# Weighted (payment, fulfillment) pairs that an order can really be in.
STATUS_MIX = [
    ((PaymentStatus.AWAITING_PAYMENT, FulfillmentStatus.AWAITING_PROCESSING), 8),
    ((PaymentStatus.PAID, FulfillmentStatus.AWAITING_PROCESSING), 10),
    ((PaymentStatus.PAID, FulfillmentStatus.PROCESSING), 8),
    ((PaymentStatus.PAID, FulfillmentStatus.READY_FOR_PICKUP), 4),
    ((PaymentStatus.PAID, FulfillmentStatus.SHIPPED), 15),
    ((PaymentStatus.PAID, FulfillmentStatus.DELIVERED), 40),
    ((PaymentStatus.PAID, FulfillmentStatus.RETURNED), 1),
    ((PaymentStatus.CANCELLED, FulfillmentStatus.WILL_NOT_DELIVER), 4),
    ((PaymentStatus.REFUNDED, FulfillmentStatus.WILL_NOT_DELIVER), 2),
    ((PaymentStatus.REFUNDED, FulfillmentStatus.RETURNED), 2),
    ((PaymentStatus.PARTIALLY_REFUNDED, FulfillmentStatus.DELIVERED), 3),
]
VAT_RATE = Decimal("20")
VAT_SCHEME = VatScheme(prices_include_vat=True, charges_vat=True)


def ascii_email_part(text: str) -> str:
    """“Chloé Lefèvre” → “chloe.lefevre”: storefronts write e-mail addresses in plain ASCII
    before the @, which is what the order form accepts."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", "")


class Command(BaseCommand):
    help = "Create the demo stores, their users and realistic orders."

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=500, help="orders per store")
        parser.add_argument(
            "--carts", type=int, default=150, help="carts per store with abandoned carts"
        )
        parser.add_argument("--stores", type=int, default=1, choices=[1, 2])
        parser.add_argument(
            "--branch-orders",
            type=int,
            default=None,
            help="orders of the second store (with --stores 2); --orders when left out",
        )
        parser.add_argument("--password", default=DEFAULT_PASSWORD)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when a store already exists"
        )

    def handle(
        self, *args, orders, carts, stores, password, seed, if_empty, branch_orders, **options
    ):
        if orders < 0 or (branch_orders or 0) < 0:
            raise CommandError("--orders and --branch-orders must be 0 or more.")
        if if_empty and Store.objects.exists():
            self.stdout.write("Demo data already present; nothing to do.")
            return
        rng = random.Random(seed)
        sizes = [orders, orders if branch_orders is None else branch_orders]
        for spec, size in zip(STORES[:stores], sizes, strict=False):
            store = self.create_store(spec, password)
            started = time.perf_counter()
            self.create_orders(store, size, rng)
            # Fresh planner statistics for the new rows (as after a large import).
            database_analyze(connection=connection)
            elapsed = max(time.perf_counter() - started, 1e-6)
            self.stdout.write(
                f"{store.name}: {size} orders in {elapsed:.1f} s ({size / elapsed:,.0f} orders/s)"
            )
            if carts > 0 and store_has_feature(store, Feature.ABANDONED_CARTS):
                self.create_carts(store, carts, rng)
            # The orders were written past the services: the reports' summary from them.
            started = time.perf_counter()
            summary_rebuild(store=store)
            self.stdout.write(
                f"{store.name}: reports' summary in {time.perf_counter() - started:.1f} s"
            )
        self.stdout.write(
            self.style.SUCCESS(
                "Demo sign-ins: "
                + ", ".join(u for spec in STORES[:stores] for u in spec["usernames"])
                + f" — password: {password}"
            )
        )

    def create_carts(self, store: Store, count: int, rng: random.Random) -> None:
        made = seed_carts(store=store, rng=rng, now=timezone.now(), count=count)
        owner = Membership.objects.get(store=store, role=Role.OWNER)
        _key, raw = api_key_create(membership=owner, name="Démo (seed_demo)")
        self.stdout.write(f"{store.name}: {made} carts; storefront API key (shown once): {raw}")

    def create_store(self, spec, password) -> Store:
        store, _ = Store.objects.update_or_create(
            name=spec["name"],
            defaults={
                "plan": spec["plan"],
                "legal_address": spec["legal_address"],
                **spec["legal"],
                "currency": "EUR",
                "price_mode": Store.PriceMode.TAX_INCLUSIVE,
                "language": "fr",
                "timezone": "Europe/Paris",
            },
        )
        User = get_user_model()
        for username, role in zip(spec["usernames"], (Role.OWNER, Role.ADMIN, Role.STAFF)):
            user, _ = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.com"}
            )
            user.set_password(password)
            user.save()
            Membership.objects.update_or_create(user=user, store=store, defaults={"role": role})
        return store

    def create_orders(self, store: Store, count: int, rng: random.Random) -> None:
        now = timezone.now()
        statuses, weights = zip(*STATUS_MIX)
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            with transaction.atomic():
                numbers = numbering_allocate(store=store, count=size)
                # Spread over the last 365 days, oldest first, so numbers grow with dates.
                ages = [365 * (1 - (done + i + rng.random()) / count) for i in range(size)]
                orders, lines_per_order = [], []
                for i, (allocated, age) in enumerate(zip(numbers, ages)):
                    # The first orders go through every status pair, so each is represented.
                    pair = (
                        statuses[done + i]
                        if done + i < len(statuses)
                        else rng.choices(statuses, weights)[0]
                    )
                    order, lines = self.make_order(
                        store, allocated, now - timedelta(days=age), rng, pair
                    )
                    orders.append(order)
                    lines_per_order.append(lines)
                Order.objects.bulk_create(orders)
                all_lines, events, refunds = [], [], []
                for order, lines in zip(orders, lines_per_order):
                    for line in lines:
                        line.order_id = order.pk
                    all_lines.extend(lines)
                    event = event_created(
                        order=order,
                        actor=None,
                        lines=[
                            line_data(quantity=line.quantity, name=line.name, sku=line.sku)
                            for line in lines
                        ],
                        paid=False,
                    )
                    event.created_at = order.created_at
                    events.append(event)
                    if order.refunded_total:
                        refunds.append(
                            Refund(
                                order_id=order.pk,
                                amount=order.refunded_total,
                                reason="Article endommagé",
                                created_at=order.created_at + timedelta(days=3),
                            )
                        )
                OrderLine.objects.bulk_create(all_lines, batch_size=5000)
                OrderEvent.objects.bulk_create(events, batch_size=5000)
                Refund.objects.bulk_create(refunds, batch_size=5000)
            done += size

    def make_order(self, store, allocated, created_at, rng, status_pair):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        name = f"{first} {last}"
        street, postcode, city = rng.choice(ADDRESSES)
        street = f"{rng.randint(1, 120)} {street}"
        lines, subtotal = [], Decimal("0.00")
        for position, (sku, label, price) in enumerate(rng.sample(CATALOGUE, rng.randint(1, 6))):
            quantity = rng.choice((1, 1, 1, 2, 2, 3))
            unit_price = Decimal(price)
            line_total = unit_price * quantity
            subtotal += line_total
            lines.append(
                OrderLine(
                    position=position,
                    sku=sku,
                    name=label,
                    quantity=quantity,
                    unit_price=unit_price,
                    line_total=line_total,
                    vat_rate=VAT_RATE,
                )
            )
        shipping = Decimal("0.00") if subtotal >= 60 else Decimal("4.90")
        # Catalogue prices include VAT, as the demo store's do: VAT per line, shipping taxed as
        # the goods are.
        totals = totals_compute(
            currency=store.currency,
            lines=[
                LinePart(quantity=line.quantity, unit_price=line.unit_price, vat_rate=VAT_RATE)
                for line in lines
            ],
            shipping=shipping,
            vat=VAT_SCHEME,
        )
        tax, total = totals.tax_total, totals.total
        payment, fulfillment = status_pair
        refunded = Decimal("0.00")
        if payment == PaymentStatus.REFUNDED:
            refunded = total
        elif payment == PaymentStatus.PARTIALLY_REFUNDED:
            refunded = (total * Decimal(rng.choice(("0.2", "0.3", "0.5")))).quantize(CENT)
        shipped = fulfillment in (
            FulfillmentStatus.SHIPPED,
            FulfillmentStatus.DELIVERED,
            FulfillmentStatus.RETURNED,
        )
        email = ascii_email_part(f"{first}.{last}{rng.randint(1, 99)}") + "@example.fr"
        carrier = rng.choice(list(CARRIERS)) if shipped else ""
        order = Order(
            store=store,
            number=allocated.number,
            reference=allocated.reference,
            customer_name=name,
            customer_email=email,
            customer_phone=f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
            billing_name=name,
            billing_street=street,
            billing_postcode=postcode,
            billing_city=city,
            billing_country="FR",
            shipping_name=name,
            shipping_street=street,
            shipping_postcode=postcode,
            shipping_city=city,
            shipping_country="FR",
            currency=store.currency,
            subtotal=subtotal,
            tax_total=tax,
            shipping_method="Colissimo" if shipping else "Livraison offerte",
            shipping_total=shipping,
            prices_include_vat=VAT_SCHEME.prices_include_vat,
            charges_vat=VAT_SCHEME.charges_vat,
            total=total,
            refunded_total=refunded,
            payment_status=payment,
            payment_method=rng.choice(("Carte bancaire", "PayPal", "Virement")),
            fulfillment_status=fulfillment,
            carrier_code=carrier,
            carrier=str(carrier_get(carrier).name) if shipped else "",
            tracking_number=CARRIERS[carrier](rng) if shipped else "",
            source=Order.Source.STOREFRONT,
            created_at=created_at,
        )
        # Written with the order, as by every writer; the database's triggers index it and
        # count the order's statuses.
        order.search_text = order_search_text_for(order, [(line.sku, line.name) for line in lines])
        return order, lines
