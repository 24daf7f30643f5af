import zoneinfo

from django.utils import timezone

from mycommerce.selectors import membership_list_for_user
from mycommerce.services import SESSION_STORE_KEY


class CurrentStoreMiddleware:
    """Puts the signed-in user's current store and membership on the request.

    The current store is kept in the session; a user who belongs to no store gets
    `request.store = None` and every store page refuses them. Dates are shown, and date
    filters read, in the store's time zone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.store = None
        request.membership = None
        request.memberships = []
        if request.user.is_authenticated:
            memberships = membership_list_for_user(user=request.user)
            request.memberships = memberships
            wanted = request.session.get(SESSION_STORE_KEY)
            current = next((m for m in memberships if m.store_id == wanted), None)
            if current is None and memberships:
                current = memberships[0]
            if current is not None:
                request.membership = current
                request.store = current.store
        if request.store is None:
            return self.get_response(request)
        try:
            timezone.activate(zoneinfo.ZoneInfo(request.store.timezone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
