"""Sign-in protection, on django-axes: the lockout page and what a successful sign-in forgets."""

import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class SignInAttemptHandler(AxesDatabaseHandler):
    """Axes' database handler, except that a successful sign-in forgets only the failures of
    that username from that address.

    Axes' own reset deletes every failure of the address and every failure of the username:
    a script holding one valid account could then guess another user's password without end,
    signing in to its own account before each lockout.
    """

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        ).delete()
        return count


def attempt_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The username axes records, cut to the length of its column.

    PostgreSQL refuses a longer value (a 500 page), and no account has a name that long.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    username = credentials.get(field) if credentials else request.POST.get(field)
    return (
        username[: AccessAttempt._meta.get_field("username").max_length] if username else username
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page a locked-out sign-in gets, in the layout and the reader's language."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    response = render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    if cool_off:
        response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    return response
