"""A store's reminder sequence as the run reads it: its settings, its enabled steps and which
step a cart is due for. Reads only; the settings are written by carts/services.py."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from carts.models import STEPS, Cart, CartSettings, ReminderStep
from carts.wording import DEFAULT_DELAYS
from mycommerce.models import Store

# A step more than this late (the run was stopped, reminders were just turned on) is skipped.
LATE_AFTER = timedelta(hours=24)


def cart_settings_for_store(*, store: Store) -> CartSettings:
    """The store's settings, or the defaults (not saved) before it changed any."""
    return CartSettings.objects.filter(store=store).first() or CartSettings(store=store)


def reminder_steps_for_store(*, store: Store) -> list[ReminderStep]:
    """The three steps, saved or as the defaults (1st at abandonment, 2nd 24 h, 3rd 72 h)."""
    saved = {step.step: step for step in ReminderStep.objects.filter(store=store)}
    return [
        saved.get(number)
        or ReminderStep(store=store, step=number, delay_hours=DEFAULT_DELAYS[number])
        for number in STEPS
    ]


@dataclass(frozen=True)
class DueStep:
    step: ReminderStep | None  # the reminder to send now, if any
    late: tuple[int, ...]  # earlier steps whose time passed without them: skipped


@dataclass
class Sequence:
    store: Store
    settings: CartSettings
    steps: list[ReminderStep]

    @property
    def enabled(self) -> list[ReminderStep]:
        # The first reminder is the sequence itself: it cannot be turned off on its own.
        return [step for step in self.steps if step.enabled or step.step == 1]

    @property
    def last_step(self) -> int:
        return max(step.step for step in self.enabled)

    @property
    def first_delay(self) -> timedelta:
        return min(timedelta(hours=step.delay_hours) for step in self.enabled)

    @property
    def abandon_delay(self) -> timedelta:
        return timedelta(minutes=self.settings.abandon_after_minutes)

    @property
    def address_window(self) -> timedelta:
        """One e-mail per address and step within this window: the whole sequence and a day."""
        return max(timedelta(hours=step.delay_hours) for step in self.enabled) + timedelta(days=1)

    def step(self, number: int) -> ReminderStep:
        return next(step for step in self.steps if step.step == number)

    def due(self, cart: Cart, now: datetime) -> DueStep:
        """The most advanced step whose time has come, unless it is too late too."""
        if cart.abandoned_at is None:
            return DueStep(None, ())
        reached = [
            step
            for step in self.enabled
            if step.step > cart.last_step
            and cart.abandoned_at + timedelta(hours=step.delay_hours) <= now
        ]
        if not reached:
            return DueStep(None, ())
        chosen = reached[-1]
        late = tuple(step.step for step in reached[:-1])
        if now - (cart.abandoned_at + timedelta(hours=chosen.delay_hours)) > LATE_AFTER:
            return DueStep(None, (*late, chosen.step))
        return DueStep(chosen, late)

    def next_now(self, cart: Cart) -> ReminderStep | None:
        """The step "send reminder now" sends: the next one, whatever its delay."""
        return next((step for step in self.enabled if step.step > cart.last_step), None)

    def group_for(self, cart: Cart) -> str:
        """Reminded or held out, drawn from the cart's token (stable, and even across carts)."""
        share = self.settings.holdout_percent
        if not share:
            return Cart.Group.REMINDED
        digest = hashlib.sha256(f"{self.store.pk}:{cart.token}".encode()).hexdigest()
        return Cart.Group.HOLDOUT if int(digest[:8], 16) % 100 < share else Cart.Group.REMINDED


def sequence_for_store(*, store: Store) -> Sequence:
    return Sequence(
        store=store,
        settings=cart_settings_for_store(store=store),
        steps=reminder_steps_for_store(store=store),
    )
