"""The order search: one normalised text per order, and how a typed query is read against it.

Every writer of an order sets `Order.search_text` with `order_search_text` (in
`order_apply_fields`, in seed_demo's batches, in the data migration), so the text is written
in the same transaction as the order. On SQLite an FTS5 trigram table indexes it (kept by
triggers, see orders/search_sql.py); on PostgreSQL a pg_trgm GIN index serves LIKE on it.

The text is the order's values, each normalised (lower case, accents removed, phone as
digits), between "|" separators: a term of three characters or more matches any part of a
value, a shorter one a whole value ("|li|"), and both are three characters or more for the
trigram indexes.
"""

import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Q
from django.db.models.expressions import RawSQL

from orders.database import SEARCH_TABLE

SEPARATOR = "|"
SUBSTRING_MIN = 3  # shorter terms match whole values only

# Letters that NFKD does not split into a base letter and an accent.
_LETTERS = str.maketrans(
    {
        "œ": "oe",
        "æ": "ae",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "’": "'",
        "‘": "'",
        "–": "-",
        "—": "-",
        SEPARATOR: " ",
    }
)
_SPACES = re.compile(r"\s+")
# What people type between the digits of a phone number or an order number.
_NUMBER_PUNCTUATION = re.compile(r"[\s.\-/()+]")


def search_normalise(text: str) -> str:
    """“  Élodie  LEFÈVRE ” → “elodie lefevre”: lower case, no accents, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", plain.translate(_LETTERS)).strip()


def phone_digits(phone: str) -> str:
    return "".join(char for char in phone if char.isascii() and char.isdigit())


def search_text_join(values: Iterable[str]) -> str:
    """The normalised values, each once, between separators."""
    unique = dict.fromkeys(value for value in (search_normalise(v) for v in values) if value)
    if not unique:
        return ""
    return SEPARATOR + SEPARATOR.join(unique) + SEPARATOR


def order_search_text(
    *,
    reference: str,
    customer_name: str = "",
    customer_email: str = "",
    customer_phone: str = "",
    names: Iterable[str] = (),
    places: Iterable[str] = (),
    lines: Iterable[tuple[str, str]] = (),
) -> str:
    """The search text of one order. `names`: billing and shipping names; `places`: the
    addresses' postcodes and cities; `lines`: (SKU, product name) of each line."""
    values = [reference, customer_name, customer_email, phone_digits(customer_phone)]
    values += list(names) + list(places)
    for sku, name in lines:
        values += [sku, name]
    return search_text_join(values)


def order_search_text_for(order, lines: Iterable[tuple[str, str]]) -> str:
    """The search text of an Order instance whose fields are set, with its lines' (SKU, name)."""
    return order_search_text(
        reference=order.reference,
        customer_name=order.customer_name,
        customer_email=order.customer_email,
        customer_phone=order.customer_phone,
        names=(order.billing_name, order.shipping_name),
        places=(
            order.billing_postcode,
            order.billing_city,
            order.shipping_postcode,
            order.shipping_city,
        ),
        lines=lines,
    )


@dataclass(frozen=True)
class SearchQuery:
    """A typed query read as terms: each must be found in the order's search text."""

    typed: str
    patterns: tuple[str, ...]  # substrings of the search text, all required

    @property
    def fts_match(self) -> str:
        """The FTS5 query: each pattern as a quoted phrase (the trigram tokenizer matches a
        phrase as a substring), all of them required."""
        return " AND ".join('"' + pattern.replace('"', '""') + '"' for pattern in self.patterns)


def search_query_parse(typed: str) -> SearchQuery | None:
    """The patterns of a typed query, or None when nothing searchable is left.

    A phone or order number typed with spaces, dots or dashes ("06 12 34 56 78") is one
    term of digits; otherwise each word is a term. A term of three characters or more
    matches any part of a value; a shorter one matches a whole value.
    """
    normalised = search_normalise(typed)
    digits = _NUMBER_PUNCTUATION.sub("", normalised)
    if digits.isascii() and digits.isdigit():
        terms = [digits]
    else:
        terms = normalised.split(" ")
    patterns = []
    for term in dict.fromkeys(term for term in terms if term):
        if len(term) < SUBSTRING_MIN:
            term = SEPARATOR + term + SEPARATOR
        patterns.append(term)
    if not patterns:
        return None
    return SearchQuery(typed=typed, patterns=tuple(patterns))


# How SQLite reaches the orders of a term, by its number of matches (in all stores) against
# the store's number of orders N. A page from the FTS matches looks each match up; a page
# read in the list's own order, testing each order's text, reads 25 / (matches / N) orders:
# the FTS matches are the cheaper start up to about 5·√N matches (500 at 10,000 orders,
# 5,000 at a million). Counting up to the cap (1,000) from the FTS matches costs the matches;
# along the list, 1,000 / (matches / N) orders: the FTS matches up to about √(1,000·N).
DRIVEN_BOUNDS = (100, 5_000)
COUNTED_BOUNDS = (1_000, 50_000)


def _bounded(value: float, bounds: tuple[int, int]) -> int:
    return int(min(max(value, bounds[0]), bounds[1]))


@dataclass(frozen=True)
class SearchConditions:
    """The orders holding every pattern of a query, written for the page's rows and for
    counting them: the same orders, two ways for the planner to reach them."""

    rows: Q
    counting: Q
    count_in_list_order: bool = False


def search_conditions(
    query: SearchQuery,
    *,
    store_orders: Callable[[], int],
    also: list[int] = (),
    using: str = DEFAULT_DB_ALIAS,
) -> SearchConditions:
    """The orders matching `query`, or among the primary keys `also` (an order found by its
    number: OR-ed apart, as SQLite would scan the store for an OR inside one query).
    `store_orders` says how many orders the store has (asked on SQLite only).

    PostgreSQL's planner chooses between the trigram index and the list's own index from
    its statistics. SQLite's cannot know how common a term is: a capped look at the FTS
    matches (a few milliseconds) chooses for it.
    """
    like = Q()
    for pattern in query.patterns:
        like &= Q(search_text__contains=pattern)
    if also:
        like |= Q(pk__in=also)
    connection = connections[using]
    if connection.vendor != "sqlite":
        return SearchConditions(rows=like, counting=like)
    orders = store_orders()
    driven_max = _bounded(5 * math.sqrt(orders), DRIVEN_BOUNDS)
    counted_max = _bounded(math.sqrt(1000 * orders), COUNTED_BOUNDS)
    also = list(also)
    matches_sql = f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH %s LIMIT %s"
    with connection.cursor() as cursor:
        cursor.execute(matches_sql, [query.fts_match, driven_max + 1])
        ids = [pk for (pk,) in cursor.fetchall()]
        if len(ids) > driven_max:
            cursor.execute(matches_sql, [query.fts_match, counted_max + 1])
            ids = [pk for (pk,) in cursor.fetchall()]
    if len(ids) > counted_max:
        return SearchConditions(rows=like, counting=like, count_in_list_order=True)
    # The ids as one JSON parameter read by a subquery: SQLite looks each one up (given a
    # list of parameters, it reads the whole store's index probing it), and the trigrams
    # are not matched again.
    found = Q(pk__in=RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids + also)]))
    if len(ids) <= driven_max:
        return SearchConditions(rows=found, counting=found)
    return SearchConditions(rows=like, counting=found)
