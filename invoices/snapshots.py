"""What an issued document says, frozen when it is issued: the snapshot its PDF is rendered
from, whatever later happens to the order or to the store's settings.

Amounts are strings (JSON keeps them exact); sentences that depend on the store's settings
(the legal mentions) are written out in the store's language at issue time.
"""

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from invoices.figures import Figures, RateTotal
from mycommerce.models import Store
from mycommerce.money import babel_locale, format_money
from orders.models import Order

SNAPSHOT_VERSION = 1
PRO_FORMA = "pro_forma"


def _text(value) -> str:
    return "" if value is None else str(value)


def rate_text(rate: Decimal) -> str:
    """A rate as people write it: 20, 5.5, 2.1, 0 (never 2E+1)."""
    return format(Decimal(rate).normalize(), "f")


def seller_snapshot(store: Store) -> dict:
    return {
        "name": store.name,
        "legal_name": store.legal_name or store.name,
        "legal_form": store.legal_form,
        "share_capital": _text(store.share_capital),
        "siren": store.siren,
        "siret": store.siret,
        "rcs_city": store.rcs_city,
        "vat_number": store.vat_number,
        "address": store.legal_address,
        # Uploaded logos are never overwritten (a new one gets a new name): this one stays.
        "logo": store.logo.name if store.logo else "",
        "footer": store.invoice_footer,
        "charges_vat": store.charges_vat,
    }


def _address(order: Order, part: str, territories: dict) -> dict:
    country = getattr(order, f"{part}_country")
    return {
        "name": getattr(order, f"{part}_name") or order.customer_name,
        "street": getattr(order, f"{part}_street"),
        "postcode": getattr(order, f"{part}_postcode"),
        "city": getattr(order, f"{part}_city"),
        "country": territories.get(country, country),
    }


def buyer_snapshot(order: Order, territories: dict) -> dict:
    billing = _address(order, "billing", territories)
    shipping = _address(order, "shipping", territories)
    return {
        "name": order.customer_name,
        "company": order.buyer_company,
        "siren": order.buyer_siren,
        "vat_number": order.buyer_vat_number,
        "email": order.customer_email,
        "business": order.is_business_buyer,
        "billing": billing,
        # Printed only when it differs from the billing address.
        "shipping": shipping if shipping["street"] and shipping != billing else None,
    }


def snapshot_business_buyer(snapshot: dict) -> bool:
    """Whether the document's buyer is a business in the sense of the e-invoicing reform: it
    has a SIREN or a VAT number (Factur-X for it; e-reporting for everyone else)."""
    buyer = snapshot.get("buyer") or {}
    return bool(buyer.get("siren") or buyer.get("vat_number"))


def legal_mentions(*, store: Store, business_buyer: bool, currency: str) -> list[str]:
    """The mentions the law asks of this seller for this buyer, in the active language."""
    mentions = []
    if not store.charges_vat:
        mentions.append(_("VAT not applicable, art. 293 B of the CGI."))
    mentions.append(
        _("Payment terms: %(terms)s")
        % {"terms": store.payment_terms or _("payable on receipt of the invoice.")}
    )
    if business_buyer:
        if store.late_payment_rate is not None:
            rate = format(Decimal(store.late_payment_rate).normalize(), "f")
            penalty = _("at the annual rate of %(rate)s %%") % {"rate": rate}
        else:
            penalty = _("at three times the legal interest rate")
        mentions.append(
            _("Late payment: penalties %(penalty)s, due from the day after the due date.")
            % {"penalty": penalty}
        )
        if store.recovery_indemnity:
            mentions.append(
                _(
                    "Fixed indemnity for recovery costs in case of late payment: %(amount)s "
                    "(art. L441-10 and D441-5 of the Code de commerce)."
                )
                % {"amount": format_money(Decimal(40), "EUR")}
            )
        mentions.append(_("No discount for early payment."))
    return mentions


def _rates(rates: list[RateTotal]) -> list[dict]:
    return [
        {
            "rate": rate_text(r.rate),
            "base": _text(r.base),
            "vat": _text(r.vat),
            "total": _text(r.total),
        }
        for r in rates
    ]


def figures_snapshot(figures: Figures) -> dict:
    return {
        "lines": [
            {
                "sku": line.sku,
                "name": line.name,
                "quantity": line.quantity,
                "unit_price_ht": _text(line.unit_price_ht),
                "vat_rate": rate_text(line.vat_rate),
                "total_ht": _text(line.total_ht),
            }
            for line in figures.lines
        ],
        "discounts": [
            {"label": label, "amount": _text(amount)} for label, amount in figures.discounts
        ],
        "shipping": [
            {"rate": rate_text(rate), "amount": _text(amount)} for rate, amount in figures.shipping
        ],
        "rates": _rates(figures.rates),
        "total_ht": _text(figures.total_ht),
        "total_vat": _text(figures.total_vat),
        "total_ttc": _text(figures.total_ttc),
    }


def document_snapshot(
    *,
    order: Order,
    store: Store,
    figures: Figures,
    kind: str,
    number: str = "",
    issued_on: date | None = None,
    corrects: dict | None = None,
) -> dict:
    """Everything the document prints. `corrects` names the invoice a credit note corrects
    ({"number", "issued_on"}); a pro forma has no number."""
    with translation.override(store.language):
        territories = Locale.parse(babel_locale(store.language)).territories
        buyer = buyer_snapshot(order, territories)
        return {
            "version": SNAPSHOT_VERSION,
            "kind": kind,
            "number": number,
            "issued_on": issued_on.isoformat() if issued_on else "",
            "corrects": corrects,
            "language": store.language,
            "currency": order.currency,
            "paper_size": store.paper_size,
            "order": {
                "reference": order.reference,
                "date": timezone.localtime(order.created_at, ZoneInfo(store.timezone))
                .date()
                .isoformat(),
                "payment_method": order.payment_method,
                "shipping_method": order.shipping_method,
            },
            "delivery_date": order.delivery_date.isoformat() if order.delivery_date else "",
            "operation_category": order.operation_category,
            "seller": seller_snapshot(store),
            "buyer": buyer,
            **figures_snapshot(figures),
            "mentions": legal_mentions(
                store=store, business_buyer=buyer["business"], currency=order.currency
            ),
        }


def snapshot_rates(snapshot: dict) -> list[RateTotal]:
    return [
        RateTotal(Decimal(r["rate"]), Decimal(r["base"]), Decimal(r["vat"]), Decimal(r["total"]))
        for r in snapshot.get("rates", [])
    ]
