"""Storefront API keys: created by the owner (shown once), named, revoked. Only a public prefix
and the SHA-256 of the whole key are stored; a key is checked in constant time."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from carts.models import ApiKey
from mycommerce.models import Membership, Store
from mycommerce.plans import Feature
from mycommerce.roles import Permission, ensure_member_may

KEY_START = "mck_"
MAX_KEYS = 20
# Writing "last used" on every request would make each read a write.
LAST_USED_PRECISION = timedelta(minutes=5)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _ensure_may_manage_keys(membership: Membership) -> None:
    ensure_member_may(membership, Permission.MANAGE_API_KEYS, feature=Feature.ABANDONED_CARTS)


def api_key_list(*, store: Store) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(store=store).select_related("created_by")


def api_key_create(*, membership: Membership, name: str) -> tuple[ApiKey, str]:
    """A new key of the member's store; the returned secret is never shown again."""
    _ensure_may_manage_keys(membership)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the key a name, e.g. the shop it is for.")})
    store = membership.store
    if ApiKey.objects.filter(store=store, revoked_at__isnull=True).count() >= MAX_KEYS:
        raise ValidationError(
            _("A store can have at most %(max)d active keys; revoke one first.") % {"max": MAX_KEYS}
        )
    prefix = secrets.token_hex(6)
    raw = f"{KEY_START}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        store=store, name=name[:100], prefix=prefix, key_hash=_hash(raw), created_by=membership.user
    )
    return key, raw


def api_key_revoke(*, membership: Membership, key_id: int) -> ApiKey:
    _ensure_may_manage_keys(membership)
    key = get_object_or_404(ApiKey, store=membership.store, pk=key_id)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def api_key_authenticate(*, raw: str) -> ApiKey | None:
    """The active key `raw` is, with its store; None for anything else."""
    if not raw.startswith(KEY_START) or len(raw) > 100:
        return None
    prefix = raw[len(KEY_START) :].split("_", 1)[0]
    key = (
        ApiKey.objects.select_related("store")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if key is None or not hmac.compare_digest(key.key_hash, _hash(raw)):
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
