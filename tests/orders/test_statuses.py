from django.utils import translation

from orders.statuses import FulfillmentStatus, PaymentStatus

PAYMENT = {
    "awaiting_payment": ("Awaiting payment", "Paiement en attente"),
    "paid": ("Paid", "Commande payée"),
    "cancelled": ("Cancelled", "Annulé"),
    "refunded": ("Refunded", "Remboursé"),
    "partially_refunded": ("Partially refunded", "Partiellement remboursé"),
}
FULFILLMENT = {
    "awaiting_processing": ("Awaiting processing", "Traitement en attente"),
    "processing": ("Processing", "En cours de traitement"),
    # DESIGN.md's wording, with the catalogue's typographic apostrophe.
    "ready_for_pickup": ("Ready for pickup", "Prêt à l’enlèvement"),
    "shipped": ("Shipped", "Expédié"),
    "delivered": ("Delivered", "Livré"),
    "will_not_deliver": ("Will not deliver", "Non livré"),
    "returned": ("Returned", "Renvoyé"),
}


def labels(choices, language):
    with translation.override(language):
        return {value: str(label) for value, label in choices.choices}


def test_payment_statuses_are_exactly_those_of_the_design():
    assert labels(PaymentStatus, "en") == {code: en for code, (en, _) in PAYMENT.items()}
    assert labels(PaymentStatus, "fr") == {code: fr for code, (_, fr) in PAYMENT.items()}


def test_fulfillment_statuses_are_exactly_those_of_the_design():
    assert labels(FulfillmentStatus, "en") == {code: en for code, (en, _) in FULFILLMENT.items()}
    assert labels(FulfillmentStatus, "fr") == {code: fr for code, (_, fr) in FULFILLMENT.items()}


def test_new_orders_await_payment_and_processing(db):
    from tests.factories import OrderFactory

    order = OrderFactory()
    assert order.payment_status == PaymentStatus.AWAITING_PAYMENT
    assert order.fulfillment_status == FulfillmentStatus.AWAITING_PROCESSING
    assert order.reference == "1"
