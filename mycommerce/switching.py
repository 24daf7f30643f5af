"""Where a store switch lands: the same page in the new store when that page exists there,
else the new store's order list. Only a path of this site that resolves is ever kept, so the
`next` of the switch form cannot send anyone elsewhere."""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.http import QueryDict
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from mycommerce.models import Job, Store

# A page that shows one object of a store (its URL has arguments) is kept only when the
# object belongs to the new store; each app declares its own pages (apps.py).
StorePageCheck = Callable[[Store, dict], bool]
_STORE_OBJECT_PAGES: dict[str, StorePageCheck] = {}

# Query parameters that point into the old store's results.
_DROPPED_PARAMETERS = ("page", "ids")


def store_object_pages_register(*url_names: str, exists: StorePageCheck) -> None:
    """Declare pages that show one object of a store, with how to tell that the object
    (given the URL's arguments) belongs to a store."""
    for url_name in url_names:
        _STORE_OBJECT_PAGES[url_name] = exists


def store_page_after_switch(*, store: Store, next_url: str, host: str) -> str:
    """The page to show after switching to `store`, coming from `next_url`."""
    fallback = reverse("orders:list")
    if not next_url or not url_has_allowed_host_and_scheme(next_url, {host}):
        return fallback
    parts = urlsplit(next_url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return fallback
    if match.kwargs:
        exists = _STORE_OBJECT_PAGES.get(match.view_name)
        if exists is None or not exists(store, match.kwargs):
            return fallback
    query = QueryDict(parts.query, mutable=True)
    for name in _DROPPED_PARAMETERS:
        query.pop(name, None)
    return parts.path + (f"?{query.urlencode()}" if query else "")


store_object_pages_register(
    "job_detail", exists=lambda store, kwargs: Job.objects.filter(store=store, **kwargs).exists()
)
