"""Factur-X: the CII XML (profile EN 16931) of an issued invoice or credit note, built from
its snapshot only, and embedded in its PDF/A-3b by Akretion's `factur-x` library.

Only documents to a business buyer carry it (a consumer invoice stays a plain PDF/A-3b),
and only when the store turned it on. The amounts are the snapshot's: per rate, what the
lines and shipping do not explain (discounts, and the cents of prices typed tax-inclusive)
is a document-level allowance or charge, so every EN 16931 sum holds.
"""

import re
from decimal import Decimal

from babel import Locale
from django.utils import translation
from django.utils.translation import gettext as _
from lxml import etree

from invoices.snapshots import snapshot_business_buyer
from mycommerce.models import Store
from mycommerce.money import babel_locale

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
EN16931 = "urn:cen.eu:en16931:2017"
INVOICE_TYPE = "380"
CREDIT_NOTE_TYPE = "381"
ZERO = Decimal("0.00")
# A French postcode and city on one line of a free-text address ("75002 Paris").
POSTCODE_CITY = re.compile(r"^(?P<postcode>\d{4,5})\s+(?P<city>.+)$")
# ISO 6523 scheme of a SIREN in a legal organisation ID (BT-30, BT-47).
SIREN_SCHEME = "0002"


def facturx_applies(*, store: Store, snapshot: dict) -> bool:
    """Whether this document's PDF carries the Factur-X XML: a business buyer, a store that
    turned it on, an issued document (a pro forma has no number)."""
    return bool(
        store.facturx_enabled and snapshot.get("number") and snapshot_business_buyer(snapshot)
    )


def _el(parent, tag: str, text=None, **attributes):
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", **attributes)
    if text is not None:
        element.text = str(text)
    return element


def _amount(value) -> str:
    return f"{Decimal(value):.2f}"


def _rate(value) -> str:
    return f"{Decimal(value):.2f}"


def _date(parent, tag: str, iso: str, *, qualified: bool = False) -> None:
    holder = _el(parent, tag)
    _el(
        holder,
        "qdt:DateTimeString" if qualified else "udt:DateTimeString",
        iso.replace("-", ""),
        format="102",
    )


def _category(snapshot: dict, rate: Decimal) -> str:
    """VAT category (UNTDID 5305): S standard, Z zero rated, E exempt (art. 293 B)."""
    if rate > 0:
        return "S"
    return "Z" if snapshot["seller"].get("charges_vat", True) else "E"


def _tax(parent, tag: str, snapshot: dict, rate: Decimal, *, header: dict | None = None) -> None:
    """An ApplicableTradeTax (header: with its amounts) or a CategoryTradeTax."""
    tax = _el(parent, tag)
    category = _category(snapshot, rate)
    if header is not None:
        _el(tax, "ram:CalculatedAmount", _amount(header["vat"]))
    _el(tax, "ram:TypeCode", "VAT")
    if header is not None and category == "E":
        _el(tax, "ram:ExemptionReason", _("VAT not applicable, art. 293 B of the CGI."))
    if header is not None:
        _el(tax, "ram:BasisAmount", _amount(header["base"]))
    _el(tax, "ram:CategoryCode", category)
    if header is not None and category == "E":
        _el(tax, "ram:ExemptionReasonCode", "VATEX-FR-FRANCHISE")
    _el(tax, "ram:RateApplicablePercent", _rate(rate))


def _country_code(name: str, language: str, fallback: str) -> str:
    """The snapshot keeps a country's name in the document's language: its ISO code back."""
    if not name:
        return fallback
    if len(name) == 2 and name.isalpha() and name.isupper():
        return name
    territories = Locale.parse(babel_locale(language)).territories
    for code, label in territories.items():
        if label == name and len(code) == 2 and code.isalpha():
            return code
    return fallback


def _address(parent, *, street: str, postcode: str, city: str, country: str) -> None:
    address = _el(parent, "ram:PostalTradeAddress")
    if postcode:
        _el(address, "ram:PostcodeCode", postcode)
    if street:
        _el(address, "ram:LineOne", street)
    if city:
        _el(address, "ram:CityName", city)
    _el(address, "ram:CountryID", country)


def _seller_address(seller: dict) -> dict:
    """The store's registered address is free text: its lines, and a "75002 Paris" line as
    postcode and city. Its country: the VAT number's, else France."""
    vat = seller.get("vat_number") or ""
    country = vat[:2] if vat[:2].isalpha() else "FR"
    lines = [line.strip() for line in (seller.get("address") or "").splitlines() if line.strip()]
    postcode = city = ""
    street_lines = []
    for line in lines:
        match = POSTCODE_CITY.match(line)
        if match and not postcode:
            postcode, city = match["postcode"], match["city"]
        else:
            street_lines.append(line)
    return {
        "street": ", ".join(street_lines),
        "postcode": postcode,
        "city": city,
        "country": country,
    }


def _party(parent, tag: str, *, name: str, siren: str, vat: str, address: dict) -> None:
    party = _el(parent, tag)
    _el(party, "ram:Name", name)
    if siren:
        organisation = _el(party, "ram:SpecifiedLegalOrganization")
        _el(organisation, "ram:ID", siren, schemeID=SIREN_SCHEME)
    _address(party, **address)
    if vat:
        registration = _el(party, "ram:SpecifiedTaxRegistration")
        _el(registration, "ram:ID", vat, schemeID="VA")


def _adjustments(snapshot: dict) -> list[tuple[Decimal, Decimal]]:
    """Per rate, (rate, amount) of what the base holds beyond its lines and shipping: a
    negative amount is an allowance (discounts), a positive one a charge (cents)."""
    adjustments = []
    for row in snapshot["rates"]:
        rate = Decimal(row["rate"])
        lines = sum(
            (
                Decimal(line["total_ht"])
                for line in snapshot["lines"]
                if Decimal(line["vat_rate"]) == rate
            ),
            ZERO,
        )
        shipping = sum(
            (Decimal(s["amount"]) for s in snapshot["shipping"] if Decimal(s["rate"]) == rate),
            ZERO,
        )
        difference = Decimal(row["base"]) - lines - shipping
        if difference:
            adjustments.append((rate, difference))
    return adjustments


def _allowance_charge(
    parent, snapshot: dict, *, rate: Decimal, amount: Decimal, reason: str
) -> None:
    entry = _el(parent, "ram:SpecifiedTradeAllowanceCharge")
    indicator = _el(entry, "ram:ChargeIndicator")
    _el(indicator, "udt:Indicator", "true" if amount > 0 else "false")
    _el(entry, "ram:ActualAmount", _amount(abs(amount)))
    _el(entry, "ram:Reason", reason)
    _tax(entry, "ram:CategoryTradeTax", snapshot, rate)


def _discount_reason(snapshot: dict, rate: Decimal) -> str:
    """The label of the discount at this rate (figures.py names it "label (rate %)" when the
    document has several rates)."""
    labels = [d["label"] for d in snapshot["discounts"] if d["label"]]
    suffix = f"({format(rate.normalize(), 'f')} %)"
    at_rate = [label for label in labels if label.endswith(suffix)]
    return ", ".join(at_rate or labels) or _("Discount")


def _notes(document, snapshot: dict) -> None:
    for mention in snapshot.get("mentions", []):
        note = _el(document, "ram:IncludedNote")
        _el(note, "ram:Content", mention)
    category = snapshot.get("operation_category")
    if category:
        labels = {
            "goods": _("Delivery of goods"),
            "services": _("Services"),
            "mixed": _("Goods and services"),
        }
        note = _el(document, "ram:IncludedNote")
        _el(
            note,
            "ram:Content",
            _("Category of operation: %(category)s") % {"category": labels.get(category, category)},
        )


def _payment_terms(snapshot: dict) -> str:
    """The payment terms sentence of the mentions (always written, after art. 293 B)."""
    mentions = snapshot.get("mentions", [])
    index = 0 if snapshot["seller"].get("charges_vat", True) else 1
    return mentions[index] if len(mentions) > index else ""


def _lines(transaction, snapshot: dict) -> None:
    for number, line in enumerate(snapshot["lines"], start=1):
        item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
        _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", number)
        product = _el(item, "ram:SpecifiedTradeProduct")
        if line.get("sku"):
            _el(product, "ram:SellerAssignedID", line["sku"])
        _el(product, "ram:Name", line["name"] or line.get("sku") or "-")
        agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
        price = _el(agreement, "ram:NetPriceProductTradePrice")
        _el(price, "ram:ChargeAmount", _amount(line["unit_price_ht"]))
        delivery = _el(item, "ram:SpecifiedLineTradeDelivery")
        _el(delivery, "ram:BilledQuantity", line["quantity"], unitCode="C62")
        settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
        _tax(settlement, "ram:ApplicableTradeTax", snapshot, Decimal(line["vat_rate"]))
        summation = _el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        _el(summation, "ram:LineTotalAmount", _amount(line["total_ht"]))


def _agreement(transaction, snapshot: dict, buyer_country: str) -> None:
    seller, buyer = snapshot["seller"], snapshot["buyer"]
    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    _party(
        agreement,
        "ram:SellerTradeParty",
        name=seller["legal_name"] or seller["name"],
        siren=seller.get("siren", ""),
        vat=seller.get("vat_number", ""),
        address=_seller_address(seller),
    )
    billing = buyer["billing"]
    _party(
        agreement,
        "ram:BuyerTradeParty",
        name=buyer.get("company") or buyer["name"],
        siren=buyer.get("siren", ""),
        vat=buyer.get("vat_number", ""),
        address={
            "street": billing["street"],
            "postcode": billing["postcode"],
            "city": billing["city"],
            "country": buyer_country,
        },
    )
    reference = (snapshot.get("order") or {}).get("reference")
    if reference:
        _el(_el(agreement, "ram:BuyerOrderReferencedDocument"), "ram:IssuerAssignedID", reference)


def _delivery(transaction, snapshot: dict, buyer_country: str) -> None:
    delivery = _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    shipping = snapshot["buyer"].get("shipping")
    if shipping:
        party = _el(delivery, "ram:ShipToTradeParty")
        _el(party, "ram:Name", shipping["name"])
        _address(
            party,
            street=shipping["street"],
            postcode=shipping["postcode"],
            city=shipping["city"],
            country=_country_code(shipping["country"], snapshot["language"], buyer_country),
        )
    if snapshot.get("delivery_date"):
        event = _el(delivery, "ram:ActualDeliverySupplyChainEvent")
        _date(event, "ram:OccurrenceDateTime", snapshot["delivery_date"])


def _settlement(transaction, snapshot: dict) -> None:
    currency = snapshot["currency"]
    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:InvoiceCurrencyCode", currency)
    for row in snapshot["rates"]:
        _tax(settlement, "ram:ApplicableTradeTax", snapshot, Decimal(row["rate"]), header=row)
    charges = allowances = ZERO
    for shipping in snapshot["shipping"]:
        amount = Decimal(shipping["amount"])
        charges += amount
        _allowance_charge(
            settlement,
            snapshot,
            rate=Decimal(shipping["rate"]),
            amount=amount,
            reason=_("Shipping"),
        )
    for rate, amount in _adjustments(snapshot):
        if amount > 0:
            charges += amount
        else:
            allowances -= amount
        reason = _discount_reason(snapshot, rate) if amount < 0 else _("Rounding")
        _allowance_charge(settlement, snapshot, rate=rate, amount=amount, reason=reason)
    terms = _payment_terms(snapshot)
    if terms:
        _el(_el(settlement, "ram:SpecifiedTradePaymentTerms"), "ram:Description", terms)
    summation = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    lines = sum((Decimal(line["total_ht"]) for line in snapshot["lines"]), ZERO)
    _el(summation, "ram:LineTotalAmount", _amount(lines))
    _el(summation, "ram:ChargeTotalAmount", _amount(charges))
    _el(summation, "ram:AllowanceTotalAmount", _amount(allowances))
    _el(summation, "ram:TaxBasisTotalAmount", _amount(snapshot["total_ht"]))
    _el(summation, "ram:TaxTotalAmount", _amount(snapshot["total_vat"]), currencyID=currency)
    _el(summation, "ram:GrandTotalAmount", _amount(snapshot["total_ttc"]))
    _el(summation, "ram:DuePayableAmount", _amount(snapshot["total_ttc"]))
    corrects = snapshot.get("corrects")
    if corrects:
        referenced = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(referenced, "ram:IssuerAssignedID", corrects["number"])
        if corrects.get("issued_on"):
            _date(referenced, "ram:FormattedIssueDateTime", corrects["issued_on"], qualified=True)


def facturx_xml(snapshot: dict) -> bytes:
    """The CII XML (Factur-X, EN 16931) of an issued document, from its snapshot alone,
    its texts in the document's language."""
    with translation.override(snapshot.get("language") or "fr"):
        root = etree.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice", nsmap=NS)
        context = _el(root, "rsm:ExchangedDocumentContext")
        _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", EN16931)
        document = _el(root, "rsm:ExchangedDocument")
        _el(document, "ram:ID", snapshot["number"])
        credit = snapshot["kind"] == "credit_note"
        _el(document, "ram:TypeCode", CREDIT_NOTE_TYPE if credit else INVOICE_TYPE)
        _date(document, "ram:IssueDateTime", snapshot["issued_on"])
        _notes(document, snapshot)
        transaction = _el(root, "rsm:SupplyChainTradeTransaction")
        _lines(transaction, snapshot)
        buyer_country = _country_code(
            snapshot["buyer"]["billing"]["country"],
            snapshot["language"],
            (snapshot["buyer"].get("vat_number") or "FR")[:2],
        )
        _agreement(transaction, snapshot, buyer_country)
        _delivery(transaction, snapshot, buyer_country)
        _settlement(transaction, snapshot)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def facturx_embed(*, pdf: bytes, snapshot: dict) -> bytes:
    """The PDF/A-3b with its Factur-X XML attached (factur-x.xml, relationship Data), the
    XML checked against the library's EN 16931 XSD first."""
    from facturx import generate_from_binary

    seller = snapshot["seller"]
    name = seller.get("legal_name") or seller.get("name") or ""
    with translation.override(snapshot.get("language") or "fr"):
        title = (
            _("Credit note %(number)s")
            if snapshot["kind"] == "credit_note"
            else _("Invoice %(number)s")
        ) % {"number": snapshot["number"]}
    return generate_from_binary(
        pdf,
        facturx_xml(snapshot),
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        pdf_metadata={
            "author": name,
            "keywords": "Factur-X",
            "title": title,
            "subject": title,
        },
        lang=snapshot.get("language") or "fr",
    )
