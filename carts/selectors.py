"""Reads of carts for the back-office; everything starts from the carts of one store."""

from dataclasses import dataclass

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from carts.events import cart_event_render
from carts.filters import CartFilterSet
from carts.models import Cart, CartEvent, CartReminder, Recipient
from mycommerce.models import SentEmail, Store

PAGE_SIZE = 25


def cart_queryset_for_store(*, store: Store) -> QuerySet[Cart]:
    return Cart.objects.filter(store=store)


@dataclass
class CartListPage:
    filterset: CartFilterSet
    page: Page


def cart_list_page(*, store: Store, data) -> CartListPage:
    filterset = CartFilterSet(data, queryset=cart_queryset_for_store(store=store))
    queryset = (
        filterset.qs if filterset.is_valid() else filterset.queryset.order_by("-created_at", "-pk")
    )
    paginator = Paginator(queryset.select_related("order"), PAGE_SIZE)
    try:
        page = paginator.page(data.get("page") or 1)
    except (EmptyPage, PageNotAnInteger):
        page = paginator.page(1)
    return CartListPage(filterset=filterset, page=page)


@dataclass
class CartDetail:
    cart: Cart
    timeline: list[tuple[CartEvent, object]]
    reminders: list[CartReminder]
    unsubscribed: bool


def cart_detail_for_store(*, store: Store, pk: int) -> CartDetail:
    """One cart of this store with its lines, reminders and timeline (rendered now, in the
    reader's language); another store's cart is a 404."""
    cart = get_object_or_404(
        cart_queryset_for_store(store=store)
        .select_related("order")
        .prefetch_related(
            "lines",
            Prefetch("events", queryset=CartEvent.objects.select_related("actor")),
            Prefetch("reminders", queryset=CartReminder.objects.select_related("message")),
        ),
        pk=pk,
    )
    unsubscribed = (
        bool(cart.customer_email)
        and Recipient.objects.filter(
            store=store, email=cart.customer_email, unsubscribed_at__isnull=False
        ).exists()
    )
    return CartDetail(
        cart=cart,
        timeline=[(event, cart_event_render(event)) for event in cart.events.all()],
        reminders=list(cart.reminders.all()),
        unsubscribed=unsubscribed,
    )


def cart_email_for_store(*, store: Store, cart_pk: int, email_pk: int) -> SentEmail:
    """A reminder e-mail a cart of this store was sent."""
    reminder = get_object_or_404(
        CartReminder.objects.select_related("message"),
        store=store,
        cart_id=cart_pk,
        message_id=email_pk,
    )
    return reminder.message
