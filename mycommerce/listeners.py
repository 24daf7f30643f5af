"""Who hears of a change to a store's settings, inside the transaction that makes it.

The core cannot import the apps above it (reports keep their summary by the store's local
days, so a new time zone rebuilds it): they register a listener here from their
AppConfig.ready(), as they do for orders in orders/listeners.py. A listener that raises rolls
the change back with it."""

from collections.abc import Callable

from mycommerce.models import Store

StoreListener = Callable[..., None]
store_listeners: list[StoreListener] = []


def store_listener_register(listener: StoreListener) -> None:
    """Listen to every change of a store's settings; registering twice keeps one."""
    if listener not in store_listeners:
        store_listeners.append(listener)


def store_changed(*, store: Store, fields: set[str]) -> None:
    """Tell the listeners that these settings of `store` (saved) have just changed."""
    for listener in store_listeners:
        listener(store=store, fields=fields)
