"""The pages of a print run, laid out for the document template: an issued document from
its snapshot (never from the live order), a pro forma for an order with no document yet,
a packing slip from the order itself. Every text is written here in the page's language,
and the item columns are broken into lines here (invoices/typeset.py)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.numbers import format_decimal
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from invoices.figures import order_figures
from invoices.models import Invoice
from invoices.snapshots import PRO_FORMA, document_snapshot
from invoices.typeset import wrap
from mycommerce.models import Store
from mycommerce.money import babel_locale, format_money
from orders.carriers import order_tracking_url
from orders.models import Order

DOCUMENT = "document"
PACKING_SLIP = "packing_slip"
# The items' font size and line height, in points (templates/invoices/documents.html).
SIZE = 8.5
LINE = 11
MM = 72 / 25.4
# The narrowest content width (A4 less its margins), in points; columns are shares of it.
CONTENT_WIDTH = (210 - 28) * MM
PADDING = 2 * MM
# Item rows per block: a page may break between blocks, never inside one.
ROWS_PER_BLOCK = 18
ITEM_COLUMNS = (("desc", 0.50), ("qty", 0.07), ("unit", 0.16), ("rate", 0.10), ("total", 0.17))
SLIP_COLUMNS = (("packed", 0.10), ("sku", 0.20), ("desc", 0.55), ("qty", 0.15))


@dataclass(frozen=True)
class Column:
    css: str  # its place, a class of templates/invoices/documents.html
    text: str


@dataclass(frozen=True)
class Block:
    lines: int
    columns: list[Column]
    head: bool = False


def _blocks(kind: str, shares, rows: list[dict], *, head: dict | None = None) -> list[Block]:
    """Rows of cells as blocks of columns, each column one text with a line per row line;
    the first column is in the flow (it gives the block its height), the others are placed
    beside it by the classes `kind`1, `kind`2…"""

    def block(chunk: list[dict], is_head: bool) -> Block:
        cells = {name: [] for name, _share in shares}
        height = 0
        for row in chunk:
            wrapped = {
                name: wrap(str(row.get(name, "")), width=share * CONTENT_WIDTH - PADDING, size=SIZE)
                for name, share in shares
            }
            tall = max(len(lines) for lines in wrapped.values())
            for name, lines in wrapped.items():
                # A no-break space: an empty last line would not count in the height.
                cells[name] += [line or "\xa0" for line in lines] + ["\xa0"] * (tall - len(lines))
            height += tall
        columns = [
            Column(f"{kind}{index}", "\n".join(cells[name]))
            for index, (name, _share) in enumerate(shares)
        ]
        return Block(lines=height, columns=columns, head=is_head)

    blocks = [block([head], True)] if head else []
    for start in range(0, len(rows), ROWS_PER_BLOCK):
        blocks.append(block(rows[start : start + ROWS_PER_BLOCK], False))
    return blocks


def _day(value: str | date | None) -> str:
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return formats.date_format(day, "DATE_FORMAT")


def _rate(rate: str, language: str) -> str:
    """20, 5,5, 2,1 in French; 20, 5.5, 2.1 in English."""
    return format_decimal(Decimal(rate), locale=babel_locale(language))


def _logo_uri(name: str) -> str:
    path = Path(settings.MEDIA_ROOT) / name if name else None
    return path.as_uri() if path and path.exists() else ""


def _label(label: str) -> str:
    return _("%(label)s:") % {"label": label}


def _labelled(label: str, value) -> str:
    return f"{_label(label)} {value}"


def _address(address: dict) -> list[str]:
    return [
        address["name"],
        address["street"],
        f"{address['postcode']} {address['city']}".strip(),
        address["country"],
    ]


def _seller_identity(seller: dict, currency: str) -> str:
    parts = [seller["legal_name"]]
    if seller["legal_form"]:
        form = seller["legal_form"]
        if seller["share_capital"]:
            form += " " + _("with a share capital of %(capital)s") % {
                "capital": format_money(Decimal(seller["share_capital"]), currency)
            }
        parts.append(form)
    if seller["siren"]:
        parts.append(
            f"RCS {seller['rcs_city']} {seller['siren']}"
            if seller["rcs_city"]
            else _labelled(_("SIREN"), f"{seller['siren']}")
        )
    if seller["siret"]:
        parts.append(_labelled(_("SIRET"), f"{seller['siret']}"))
    if seller["vat_number"]:
        parts.append(_labelled(_("VAT no."), f"{seller['vat_number']}"))
    return " — ".join(parts)


def _title(doc: dict) -> str:
    if doc["kind"] == Invoice.Kind.INVOICE:
        return _("Invoice no. %(number)s") % {"number": doc["number"]}
    if doc["kind"] == Invoice.Kind.CREDIT_NOTE:
        return _("Credit note no. %(number)s") % {"number": doc["number"]}
    return _("Pro forma")


def _side(doc: dict) -> list[str]:
    lines = []
    if doc.get("corrects"):
        lines.append(
            _("Corrects invoice no. %(number)s of %(day)s")
            % {"number": doc["corrects"]["number"], "day": _day(doc["corrects"]["issued_on"])}
        )
    if doc["issued_on"]:
        lines.append(_labelled(_("Issue date"), f"{_day(doc['issued_on'])}"))
    order = doc["order"]
    lines.append(_labelled(_("Order"), f"{order['reference']} ({_day(order['date'])})"))
    delivered = doc["delivery_date"] or order["date"]
    lines.append(_labelled(_("Date of delivery or service"), f"{_day(delivered)}"))
    category = Order.OperationCategory(doc["operation_category"]).label
    lines.append(_labelled(_("Operation"), f"{category}"))
    return lines


def _item_rows(doc: dict, language: str, charges_vat: bool) -> list[dict]:
    cur = doc["currency"]

    def rate(value: str) -> str:
        return f"{_rate(value, language)} %" if charges_vat else ""

    rows = [
        {
            "desc": f"{line['sku']} · {line['name']}" if line["sku"] else line["name"],
            "qty": line["quantity"],
            "unit": format_money(Decimal(line["unit_price_ht"]), cur),
            "rate": rate(line["vat_rate"]),
            "total": format_money(Decimal(line["total_ht"]), cur),
        }
        for line in doc["lines"]
    ]
    rows += [
        {
            "desc": _labelled(_("Discount"), f"{d['label']}"),
            "total": "−" + format_money(Decimal(d["amount"]), cur),
        }
        for d in doc["discounts"]
    ]
    method = doc["order"]["shipping_method"]
    rows += [
        {
            "desc": _("Shipping") + (f" ({method})" if method else ""),
            "qty": 1,
            "unit": format_money(Decimal(s["amount"]), cur),
            "rate": rate(s["rate"]),
            "total": format_money(Decimal(s["amount"]), cur),
        }
        for s in doc["shipping"]
    ]
    return rows


def _sums(doc: dict, language: str, charges_vat: bool) -> tuple[list[Block], str, str]:
    cur = doc["currency"]
    credit = doc["kind"] == Invoice.Kind.CREDIT_NOTE
    rows = []
    if charges_vat:
        rows.append(
            {"label": _("Total excl. VAT"), "amount": format_money(Decimal(doc["total_ht"]), cur)}
        )
        several = len(doc["rates"]) > 1
        for r in doc["rates"]:
            shown = _rate(r["rate"], language)
            if several:
                rows.append(
                    {
                        "label": _("Base excl. VAT %(rate)s %%") % {"rate": shown},
                        "amount": format_money(Decimal(r["base"]), cur),
                    }
                )
            rows.append(
                {
                    "label": _("VAT %(rate)s %%") % {"rate": shown},
                    "amount": format_money(Decimal(r["vat"]), cur),
                }
            )
        total = _("Total credited incl. VAT") if credit else _("Total incl. VAT")
    else:
        total = _("Total credited") if credit else _("Total due")
    shares = (("label", 0.26), ("amount", 0.17))
    blocks = _blocks("s", shares, rows) if rows else []
    return blocks, total, format_money(Decimal(doc["total_ttc"]), cur)


def document_page(snapshot: dict) -> dict:
    """A document's page, in the language it was issued in."""
    language = snapshot["language"]
    with translation.override(language):
        seller, buyer = snapshot["seller"], snapshot["buyer"]
        charges_vat = seller["charges_vat"]
        billed = [buyer["company"]] if buyer["company"] else []
        billed += _address(buyer["billing"])
        if buyer["siren"]:
            billed.append(_labelled(_("SIREN"), f"{buyer['siren']}"))
        if buyer["vat_number"]:
            billed.append(_labelled(_("VAT no."), f"{buyer['vat_number']}"))
        seller_lines = [line for line in seller["address"].splitlines() if line.strip()]
        if seller["siret"]:
            seller_lines.append(_labelled(_("SIRET"), f"{seller['siret']}"))
        if seller["vat_number"]:
            seller_lines.append(_labelled(_("VAT no."), f"{seller['vat_number']}"))
        notes = []
        if snapshot["order"]["payment_method"]:
            notes.append(_labelled(_("Payment method"), f"{snapshot['order']['payment_method']}"))
        notes += snapshot["mentions"]
        notes.append(_seller_identity(seller, snapshot["currency"]))
        notes += [line for line in seller["footer"].splitlines() if line.strip()]
        sums, total_label, total_amount = _sums(snapshot, language, charges_vat)
        head = {
            "desc": _("Description"),
            "qty": _("Qty"),
            "unit": _("Unit price excl. VAT"),
            "rate": _("VAT rate") if charges_vat else "",
            "total": _("Total excl. VAT"),
        }
        return {
            "kind": DOCUMENT,
            "language": language,
            "page": "letter" if snapshot["paper_size"] == Store.PaperSize.LETTER else "a4",
            "title": _title(snapshot),
            "pro_forma": snapshot["kind"] == PRO_FORMA,
            "logo": _logo_uri(seller["logo"]),
            "seller_name": seller["legal_name"],
            "seller": "\n".join(seller_lines),
            "side": "\n".join(_side(snapshot)),
            "billed_label": _("Billed to"),
            "billed": "\n".join(billed),
            "delivered_label": _("Delivered to") if buyer["shipping"] else "",
            "delivered": "\n".join(_address(buyer["shipping"])) if buyer["shipping"] else "",
            "items": _blocks(
                "i", ITEM_COLUMNS, _item_rows(snapshot, language, charges_vat), head=head
            ),
            "sums": sums,
            "total_label": total_label,
            "total_amount": total_amount,
            "notes": "\n".join(notes),
        }


def pro_forma_page(*, order: Order, store: Store) -> dict:
    snapshot = document_snapshot(
        order=order, store=store, figures=order_figures(order=order), kind=PRO_FORMA
    )
    return document_page(snapshot)


def packing_slip_page(*, order: Order, store: Store) -> dict:
    language = store.language
    with translation.override(language):
        territories = Locale.parse(babel_locale(language)).territories
        country = territories.get(order.shipping_country, order.shipping_country)
        created = timezone.localtime(order.created_at, ZoneInfo(store.timezone)).date()
        address = [
            order.shipping_name or order.customer_name,
            order.shipping_street,
            f"{order.shipping_postcode} {order.shipping_city}".strip(),
            country,
        ]
        if order.customer_phone:
            address.append(_labelled(_("Phone"), f"{order.customer_phone}"))
        shipping = []
        if order.shipping_method:
            shipping.append(_labelled(_("Shipping method"), f"{order.shipping_method}"))
        shipping.append(_labelled(_("Carrier"), f"{order.carrier or '—'}"))
        shipping.append(_labelled(_("Tracking number"), f"{order.tracking_number or '—'}"))
        link = order_tracking_url(order, store)
        if link:
            shipping.append(_labelled(_("Tracking"), link))
        head = {"packed": _("Packed"), "sku": _("SKU"), "desc": _("Product"), "qty": _("Quantity")}
        rows = [
            {"packed": "☐", "sku": line.sku, "desc": line.name, "qty": line.quantity}
            for line in order.lines.all()
        ]
        side = [
            _labelled(_("Order"), f"{order.reference}"),
            _labelled(_("Order date"), f"{_day(created)}"),
        ]
        return {
            "kind": PACKING_SLIP,
            "language": language,
            "page": "letter" if store.paper_size == Store.PaperSize.LETTER else "a4",
            "title": _("Packing slip"),
            "seller_name": store.name,
            "seller": store.legal_address,
            "side": "\n".join(side),
            "billed_label": _("Shipping address"),
            "billed": "\n".join(address),
            "delivered_label": " ",
            "delivered": "\n".join(shipping),
            "items": _blocks("p", SLIP_COLUMNS, rows, head=head),
        }


def order_pages(
    *, order: Order, store: Store, documents: list[Invoice], invoices: bool, packing_slip: bool
) -> list[dict]:
    """An order's pages: its issued documents (a pro forma if none), then its packing slip."""
    pages = []
    if invoices:
        pages += [document_page(d.snapshot) for d in documents] or [
            pro_forma_page(order=order, store=store)
        ]
    if packing_slip:
        pages.append(packing_slip_page(order=order, store=store))
    return pages
