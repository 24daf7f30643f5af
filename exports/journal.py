"""The accountant's sales journal and the B2C e-reporting summary, read from the store's
issued invoices and credit notes (their snapshots: what was invoiced, never the live order).

One entry (piece) per document, on its issue date: the customer debited with the total
including VAT, sales credited per VAT rate (goods or services), shipping and the VAT
collected per rate; a credit note is the same entry the other way round, on its own date.
"""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from exports.models import JournalSettings
from invoices.models import Invoice
from invoices.snapshots import rate_text, snapshot_business_buyer
from mycommerce.models import Store

ZERO = Decimal("0.00")
BATCH = 1000
AUXILIARY_LENGTH = 8


@dataclass(frozen=True)
class JournalLine:
    journal: str
    day: date
    piece: str
    account: str
    label: str
    debit: Decimal
    credit: Decimal


@dataclass(frozen=True)
class DaySummary:
    """Consumer sales of one day at one VAT rate (credit notes taken off)."""

    day: date
    rate: Decimal
    base: Decimal
    vat: Decimal
    total: Decimal


def journal_settings_for(*, store: Store) -> JournalSettings:
    """The store's journal settings, or the French defaults (not saved) when it has none."""
    found = JournalSettings.objects.filter(store=store).first()
    return found if found is not None else JournalSettings(store=store)


def _documents(*, store: Store, start: date, end: date):
    """The store's documents of the period, in journal order (date, then series number)."""
    return (
        Invoice.objects.filter(store=store, issued_on__gte=start, issued_on__lte=end)
        .order_by("issued_on", "sequence_number", "pk")
        .only("kind", "number", "issued_on", "snapshot")
        .iterator(chunk_size=BATCH)
    )


def customer_code(buyer: dict) -> str:
    """A customer's auxiliary code: the letters and digits of its company or name, upper
    case and without accents, at most 8 ("Atelier Dupont" → ATELIERD)."""
    name = buyer.get("company") or buyer.get("name") or ""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z0-9]", "", ascii_name.upper())[:AUXILIARY_LENGTH]


def _rate_account(settings: JournalSettings, rate: str, role: str, default: str) -> str:
    return (settings.rate_accounts or {}).get(rate, {}).get(role) or default


def _piece_amounts(snapshot: dict, settings: JournalSettings) -> list[tuple[str, str, Decimal]]:
    """(account, label suffix, amount credited on an invoice) of a document's sales, shipping
    and VAT lines: the per-rate base less its shipping, the shipping, the VAT."""
    services = snapshot.get("operation_category") == "services"
    sales_default = settings.services_account if services else settings.goods_account
    shipping_by_rate: dict[str, Decimal] = {}
    for shipping in snapshot.get("shipping", []):
        key = rate_text(Decimal(shipping["rate"]))
        shipping_by_rate[key] = shipping_by_rate.get(key, ZERO) + Decimal(shipping["amount"])
    amounts = []
    for row in snapshot.get("rates", []):
        key = rate_text(Decimal(row["rate"]))
        shipping = shipping_by_rate.get(key, ZERO)
        rate = {"rate": key}
        sales = _rate_account(settings, key, "sales", sales_default)
        amounts.append((sales, _("Sales at %(rate)s %%") % rate, Decimal(row["base"]) - shipping))
        if shipping:
            amounts.append(
                (settings.shipping_account, _("Shipping at %(rate)s %%") % rate, shipping)
            )
        vat = _rate_account(settings, key, "vat", settings.vat_account)
        amounts.append((vat, _("VAT %(rate)s %%") % rate, Decimal(row["vat"])))
    return amounts


def journal_piece(*, document: Invoice, settings: JournalSettings) -> list[JournalLine]:
    """The balanced entry of one document (a credit note's the other way round)."""
    snapshot = document.snapshot
    buyer = snapshot.get("buyer") or {}
    credit_note = document.kind == Invoice.Kind.CREDIT_NOTE
    kind = _("Credit note") if credit_note else _("Invoice")
    who = buyer.get("company") or buyer.get("name") or ""
    label = f"{kind} {document.number} {who}".strip()
    customer = settings.customer_account
    if settings.per_customer:
        customer += customer_code(buyer)

    def line(account: str, text: str, amount: Decimal, *, debit_side: bool) -> JournalLine:
        # An amount below zero (a discount larger than a rate's goods) goes to the other side.
        if amount < 0:
            amount, debit_side = -amount, not debit_side
        if credit_note:
            debit_side = not debit_side
        return JournalLine(
            journal=settings.journal_code,
            day=document.issued_on,
            piece=document.number,
            account=account,
            label=text,
            debit=amount if debit_side else ZERO,
            credit=ZERO if debit_side else amount,
        )

    amounts = [(customer, label, Decimal(snapshot["total_ttc"]), True)] + [
        (account, f"{label} — {suffix}", amount, False)
        for account, suffix, amount in _piece_amounts(snapshot, settings)
    ]
    # Lines of zero are left out: accounting software refuses them.
    return [
        line(account, text, amount, debit_side=debit_side)
        for account, text, amount, debit_side in amounts
        if amount
    ]


def journal_lines(*, store: Store, start: date, end: date) -> Iterator[JournalLine]:
    """The journal of the period, piece by piece (labels in the active language)."""
    settings = journal_settings_for(store=store)
    for document in _documents(store=store, start=start, end=end):
        yield from journal_piece(document=document, settings=settings)


def ereporting_summary(*, store: Store, start: date, end: date) -> list[DaySummary]:
    """Consumer sales (documents whose buyer has no SIREN and no VAT number) per day and per
    VAT rate: base, VAT and total, credit notes taken off on their own date."""
    sums: dict[tuple[date, Decimal], list[Decimal]] = {}
    for document in _documents(store=store, start=start, end=end):
        snapshot = document.snapshot
        if snapshot_business_buyer(snapshot):
            continue
        sign = -1 if document.kind == Invoice.Kind.CREDIT_NOTE else 1
        for row in snapshot.get("rates", []):
            key = (document.issued_on, Decimal(row["rate"]).normalize())
            figures = sums.setdefault(key, [ZERO, ZERO, ZERO])
            figures[0] += sign * Decimal(row["base"])
            figures[1] += sign * Decimal(row["vat"])
            figures[2] += sign * Decimal(row["total"])
    return [
        DaySummary(day, rate, *figures)
        for (day, rate), figures in sorted(sums.items(), key=lambda item: (item[0][0], -item[0][1]))
    ]


@dataclass(frozen=True)
class PeriodFigures:
    invoices: int
    credit_notes: int
    invoiced: Decimal
    credited: Decimal
    currency: str

    @property
    def net(self) -> Decimal:
        return self.invoiced - self.credited


def journal_period_figures(*, store: Store, start: date, end: date) -> PeriodFigures:
    """What the period's files hold: documents by kind and their totals (one query)."""
    rows = (
        Invoice.objects.filter(store=store, issued_on__gte=start, issued_on__lte=end)
        .values("kind")
        .annotate(count=Count("pk"), total=Sum("total"))
        .order_by("kind")
    )
    by_kind = {row["kind"]: row for row in rows}
    invoices = by_kind.get(Invoice.Kind.INVOICE, {})
    notes = by_kind.get(Invoice.Kind.CREDIT_NOTE, {})
    return PeriodFigures(
        invoices=invoices.get("count", 0),
        credit_notes=notes.get("count", 0),
        invoiced=invoices.get("total") or ZERO,
        credited=notes.get("total") or ZERO,
        currency=store.currency,
    )


def journal_default_period(*, store: Store) -> dict:
    """Last month in the store's time zone, what an accountant asks for most."""
    today = timezone.localdate(timezone=ZoneInfo(store.timezone))
    end = today.replace(day=1) - timedelta(days=1)
    return {"start": end.replace(day=1), "end": end}
