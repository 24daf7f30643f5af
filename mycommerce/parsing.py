"""Numbers read from a query string or a POST: ASCII digits only, within what a database holds.

`str.isdigit()` is true for "²" or "٣", which `int()` then refuses or reads as another
number; and SQLite cannot bind an integer past 64 bits. Every id or count typed by a
person or a script goes through here.
"""

from django.utils.http import url_has_allowed_host_and_scheme

ID_MAX = 2**63 - 1  # a signed 64-bit integer: the primary keys of both databases


def parse_positive_int(value, *, maximum: int = ID_MAX) -> int | None:
    """`value` as an int from 1 to `maximum` if it is written in ASCII digits, else None."""
    if not isinstance(value, str):
        value = "" if value is None else str(value)
    # A bound on the length first: int() of a long text is slow (and refused past 4,300 digits).
    if not value or len(value) > len(str(maximum)) or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 1 <= number <= maximum else None


def parse_id(value) -> int | None:
    """A primary key typed in a form or a URL's query: a positive 64-bit integer, else None."""
    return parse_positive_int(value, maximum=ID_MAX)


NEXT_URL_MAX_LENGTH = 2000


def parse_next_url(value, *, request) -> str | None:
    """A "next" address to go back to: a printable path of this site, else None.

    A bare word would be read by redirect() as a view name (a NoReverseMatch, a 500), and a
    control character in the Location header is refused by the server.
    """
    value = value if isinstance(value, str) else ""
    if not value.startswith("/") or len(value) > NEXT_URL_MAX_LENGTH or not value.isprintable():
        return None
    if not url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return value
