"""The carriers a store ships with: each one's name, tracking page and tracking-number format.

A number is compared with its carrier's format where the carrier publishes one (or where the
format printed on its labels is well established); where no format is published the pattern is
the one seen on labels and is said so below, and "other" has none. A person may always keep a
number that does not match ("use this number anyway"): formats change, the check only catches
a number pasted in the wrong field or for the wrong carrier.

Tracking pages take the number as `{number}` (and, for Mondial Relay, the shipping postcode as
`{postcode}`); "other" uses the template the store sets in its settings.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

OTHER = "other"


@dataclass(frozen=True)
class Carrier:
    code: str
    name: str | Promise
    url_template: str
    # Anchored by `re.fullmatch`; None: no known format, any number is kept.
    pattern: re.Pattern | None
    # The format in words, shown when a number does not match.
    format_hint: Promise | str = ""


def _format(regex: str) -> re.Pattern:
    return re.compile(regex)


CARRIERS: tuple[Carrier, ...] = (
    # La Poste's own numbers: 13 characters, a digit, a letter then 11 digits (6A12345678901,
    # 8R…), or the UPU S10 form for international parcels: 2 letters, 9 digits, FR.
    Carrier(
        "colissimo",
        "Colissimo",
        "https://www.laposte.fr/outils/suivre-vos-envois?code={number}",
        _format(r"\d[A-Z]\d{11}|[A-Z]{2}\d{9}FR"),
        _("13 characters, e.g. 6A12345678901 or CB123456789FR"),
    ),
    # UPU S10 (2 letters, 9 digits, 2-letter country: XY123456789FR); Chronopost does not
    # publish its domestic formats, so the S10 form is the one checked.
    Carrier(
        "chronopost",
        "Chronopost",
        "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT={number}",
        _format(r"[A-Z]{2}\d{9}[A-Z]{2}"),
        _("2 letters, 9 digits and 2 letters, e.g. XY123456789FR"),
    ),
    # Not published: the shipment number on Mondial Relay's labels has 8 digits (10 or 12
    # with the brand's prefix). Its tracking page also wants the delivery postcode.
    Carrier(
        "mondial_relay",
        "Mondial Relay",
        "https://www.mondialrelay.fr/suivi-de-colis/?numeroExpedition={number}"
        "&codePostal={postcode}",
        _format(r"\d{8}|\d{10}|\d{12}"),
        _("8, 10 or 12 digits, e.g. 12345678"),
    ),
    # Lettre suivie: 13 characters like Colissimo's domestic numbers (1K36275770836).
    Carrier(
        "lettre_suivie",
        "La Poste Lettre suivie",
        "https://www.laposte.fr/outils/suivre-vos-envois?code={number}",
        _format(r"\d[A-Z]\d{11}"),
        _("13 characters, e.g. 1K36275770836"),
    ),
    # DPD's parcel number is 14 digits (the label's 28-character barcode contains it).
    Carrier(
        "dpd",
        "DPD",
        "https://trace.dpd.fr/fr/trace/{number}",
        _format(r"\d{14}"),
        _("14 digits, e.g. 09981234567890"),
    ),
    # Not published: GLS parcel numbers have 11 or 12 digits (the 12th a check digit), and
    # its 8-character Track ID (letters and digits) is accepted by the same page.
    Carrier(
        "gls",
        "GLS",
        "https://gls-group.com/FR/fr/suivi-colis?match={number}",
        _format(r"\d{11,12}|[A-Z0-9]{8}"),
        _("11 or 12 digits, or an 8-character Track ID"),
    ),
    # 1Z, a 6-character shipper number, a 2-digit service code, 7 digits and a check digit.
    Carrier(
        "ups",
        "UPS",
        "https://www.ups.com/track?tracknum={number}",
        _format(r"1Z[0-9A-Z]{16}"),
        _("18 characters starting with 1Z, e.g. 1Z999AA10123456784"),
    ),
    # Express waybills have 10 digits; DHL Parcel and eCommerce numbers (JJD…, JVGL…, 00…)
    # follow no single published format, so only the Express form and S10 are checked.
    Carrier(
        "dhl",
        "DHL",
        "https://www.dhl.com/fr-fr/home/tracking.html?tracking-id={number}&submit=1",
        _format(r"\d{10}|JJD\d{16,20}|JVGL\d{16,20}|\d{20}|[A-Z]{2}\d{9}[A-Z]{2}"),
        _("10 digits (Express), or a DHL Parcel number such as JJD…"),
    ),
    # Express 12 digits, Ground 15, SmartPost 20 or 22 (FedEx does not publish more).
    Carrier(
        "fedex",
        "FedEx",
        "https://www.fedex.com/fedextrack/?trknbr={number}",
        _format(r"\d{12}|\d{15}|\d{20}|\d{22}"),
        _("12, 15, 20 or 22 digits, e.g. 123456789012"),
    ),
    Carrier(OTHER, _("Other"), "", None, ""),
)

CARRIERS_BY_CODE: dict[str, Carrier] = {carrier.code: carrier for carrier in CARRIERS}
_BY_NAME: dict[str, Carrier] = {str(c.name).casefold(): c for c in CARRIERS if c.code != OTHER}


def carrier_choices() -> list[tuple[str, str | Promise]]:
    return [(c.code, c.name) for c in CARRIERS]


def carrier_get(code: str) -> Carrier | None:
    return CARRIERS_BY_CODE.get(code or "")


def carrier_for(*, code: str, name: str = "") -> Carrier | None:
    """The order's carrier: its code, or (orders from before the list) its name typed in full."""
    return carrier_get(code) or _BY_NAME.get((name or "").strip().casefold())


def tracking_number_normalize(number: str) -> str:
    """As carriers print them: capitals, without the spaces a pasted number often has."""
    number = number or ""
    if number.isalnum():  # the usual case, without the regex (an export reads thousands)
        return number.upper()
    return re.sub(r"\s+", "", number).upper()


def tracking_number_refusal(*, code: str, number: str) -> str | None:
    """Why `number` does not look like one of `code`'s tracking numbers (None: it does, or the
    carrier has no known format)."""
    carrier = carrier_get(code)
    if carrier is None or carrier.pattern is None or not number:
        return None
    if carrier.pattern.fullmatch(tracking_number_normalize(number)):
        return None
    return str(
        _(
            "“%(number)s” does not look like a %(carrier)s tracking number (%(format)s). "
            "Check it, or tick “Use this number anyway”."
        )
        % {"number": number, "carrier": carrier.name, "format": carrier.format_hint}
    )


def tracking_ensure_valid(*, carrier_code: str, tracking_number: str, accept: bool) -> None:
    """Refuse an unknown carrier, and a number not in its carrier's format unless `accept`."""
    if carrier_code and carrier_get(carrier_code) is None:
        raise ValidationError(
            {"carrier_code": _("“%(code)s” is not a carrier.") % {"code": carrier_code[:20]}},
            code="carrier",
        )
    refusal = tracking_number_refusal(code=carrier_code, number=tracking_number)
    if refusal and not accept:
        raise ValidationError({"tracking_number": refusal}, code="tracking_format")


def tracking_url_template_valid(template: str) -> bool:
    """A store's template for "other": an https address with the {number} placeholder."""
    return template.startswith("https://") and "{number}" in template


def tracking_url(
    *, code: str, name: str, number: str, postcode: str = "", other_template: str = ""
) -> str:
    """The carrier's tracking page for `number` ("" when there is none to link to)."""
    if not number:
        return ""
    template = tracking_url_template(code=code, name=name, other_template=other_template)
    return tracking_url_fill(template, number=number, postcode=postcode)


def tracking_url_template(*, code: str, name: str, other_template: str = "") -> str:
    """The address of the carrier's tracking page, {number} (and {postcode}) still to fill:
    the carrier's own, or the store's for "other" when valid ("" when there is none)."""
    carrier = carrier_for(code=code, name=name)
    if carrier is None:
        return ""
    if carrier.code == OTHER:
        return other_template if tracking_url_template_valid(other_template or "") else ""
    return carrier.url_template


def tracking_url_fill(template: str, *, number: str, postcode: str = "") -> str:
    """`template` (tracking_url_template) filled with the number and the postcode."""
    if not template or not number:
        return ""
    number = tracking_number_normalize(number)
    url = template.replace("{number}", number if _url_safe(number) else quote(number, safe=""))
    if "{postcode}" in url:
        url = url.replace("{postcode}", quote((postcode or "").strip(), safe=""))
    return url


def _url_safe(text: str) -> bool:
    return text.isascii() and text.isalnum()


def order_tracking_url(order, store=None) -> str:
    """An order's tracking page; pass its `store` when at hand (a batch reads it once)."""
    return tracking_url(
        code=order.carrier_code,
        name=order.carrier,
        number=order.tracking_number,
        postcode=order.shipping_postcode,
        other_template=(store or order.store).tracking_url_template,
    )
