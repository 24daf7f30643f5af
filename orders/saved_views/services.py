"""Writes of saved views. Any member may save, rename, reorder and delete the store's shared
views and their own; another member's personal views are not theirs to see."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from mycommerce.models import Membership, Store
from mycommerce.roles import Permission, ensure_member_may
from orders.filters import OrderFilterSet
from orders.models import Order, SavedView
from orders.saved_views import DEFAULT_VIEWS, NAME_MAX_LENGTH, saved_view_label, saved_view_params
from orders.saved_views.selectors import (
    saved_view_get_for_member,
    saved_view_query,
    saved_views_for_member,
)
from orders.selectors import PAGE_SIZES


def saved_views_create_defaults(*, store: Store) -> list[SavedView]:
    """The views every store starts with (shared), after the store's existing views."""
    start = (SavedView.objects.filter(store=store).aggregate(last=Max("position"))["last"] or 0) + 1
    return SavedView.objects.bulk_create(
        SavedView(store=store, default_key=key, params=params, position=start + index)
        for index, (key, (_label, params)) in enumerate(DEFAULT_VIEWS.items())
    )


def _saved_view_name_clean(*, membership: Membership, name: str, exclude: int | None = None):
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the view a name.")})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {
                "name": _("A view's name has at most %(limit)d characters.")
                % {"limit": NAME_MAX_LENGTH}
            }
        )
    seen = saved_views_for_member(membership=membership).exclude(pk=exclude)
    if any(saved_view_label(view).casefold() == name.casefold() for view in seen):
        raise ValidationError(
            {
                "name": _("A view named “%(name)s” already exists; choose another name.")
                % {"name": name}
            }
        )
    return name


def saved_view_params_clean(data) -> dict[str, list[str]]:
    """The view's parameters from the list's query string `data`, checked by the list's own
    filters: a filter in error is refused at its field, as the list says it."""
    params = saved_view_params(data)
    filterset = OrderFilterSet(saved_view_query(params), queryset=Order.objects.none())
    errors = {} if filterset.is_valid() else dict(filterset.errors)
    if "per_page" in params and params["per_page"][0] not in {str(size) for size in PAGE_SIZES}:
        errors["per_page"] = [_("Choose 25, 50 or 100 orders per page.")]
    if errors:
        raise ValidationError({name: list(messages) for name, messages in errors.items()})
    return params


def saved_view_create(*, membership: Membership, name: str, shared: bool, data) -> SavedView:
    """Save the list's filters, sort and page size of `data` (its query string) under `name`,
    shared with the store or for this member only, as the last tab."""
    ensure_member_may(membership, Permission.MANAGE_ORDERS)
    errors = {}
    try:
        name = _saved_view_name_clean(membership=membership, name=name)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        params = saved_view_params_clean(data)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        last = SavedView.objects.filter(store=membership.store).aggregate(last=Max("position"))
        return SavedView.objects.create(
            store=membership.store,
            owner=None if shared else membership.user,
            name=name,
            params=params,
            position=(last["last"] or 0) + 1,
        )


def saved_view_rename(*, membership: Membership, pk: int, name: str) -> SavedView:
    ensure_member_may(membership, Permission.MANAGE_ORDERS)
    view = saved_view_get_for_member(membership=membership, pk=pk)
    view.name = _saved_view_name_clean(membership=membership, name=name, exclude=view.pk)
    view.save(update_fields=["name"])
    return view


def saved_view_move(*, membership: Membership, pk: int, step: int) -> None:
    """Move a view one place earlier (step -1) or later (+1) among the member's tabs; the
    positions are written again in turn, so that two views never share one."""
    ensure_member_may(membership, Permission.MANAGE_ORDERS)
    with transaction.atomic():
        views = list(saved_views_for_member(membership=membership).select_for_update())
        index = next((i for i, view in enumerate(views) if view.pk == pk), None)
        if index is None:
            saved_view_get_for_member(membership=membership, pk=pk)  # a 404
            return
        target = index + (1 if step > 0 else -1)
        if not 0 <= target < len(views):
            return
        views[index], views[target] = views[target], views[index]
        positions = sorted(view.position for view in views)
        if len(set(positions)) < len(positions):
            positions = list(range(1, len(views) + 1))
        for view, position in zip(views, positions):
            view.position = position
        SavedView.objects.bulk_update(views, ["position"])


def saved_view_delete(*, membership: Membership, pk: int) -> str:
    """Delete a view the member sees; returns its name, for the page to say."""
    ensure_member_may(membership, Permission.MANAGE_ORDERS)
    view = saved_view_get_for_member(membership=membership, pk=pk)
    label = saved_view_label(view)
    view.delete()
    return label
