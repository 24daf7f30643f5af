"""Template helpers of the order pages: list query strings and the timeline's entries."""

from django import template

from orders.events import RenderedEvent
from orders.events import event_render as render
from orders.models import OrderEvent

register = template.Library()


@register.filter
def getlist(query, name: str) -> list[str]:
    return query.getlist(name)


@register.filter
def event_render(event: OrderEvent) -> RenderedEvent:
    """The timeline entry in the reader's language: `.sentence` and its `.lines`."""
    return render(event)
