"""The storefront intake API (`/api/v1/`, docs at `/api/v1/docs`): django-ninja, one key per
store as a Bearer token, and every error as problem details (carts/api/problems.py)."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from carts.api import problems
from carts.api.endpoints import router
from carts.keys import api_key_authenticate
from carts.services import CartClosed, IdempotencyConflict


class StoreKey(HttpBearer):
    """`Authorization: Bearer mck_…`: the key's store is the only store the request sees."""

    def authenticate(self, request, token):
        return api_key_authenticate(raw=token)


api = NinjaAPI(
    title="MyCOMMERCE storefront intake API",
    version="1",
    description=(
        "Carts and orders from the shop's storefront. Authenticate with the store's API key "
        "(`Authorization: Bearer mck_…`, created by the owner in the back-office). Errors are "
        "RFC 9457 problem details (`application/problem+json`)."
    ),
    urls_namespace="api_v1",
    auth=StoreKey(),
    docs_decorator=login_not_required,
)
api.add_router("/", router)


def _conflict(request, error: DjangoValidationError):
    return problems.problem_response(
        request,
        status=409,
        kind="idempotency-conflict" if isinstance(error, IdempotencyConflict) else "cart-closed",
        title=_("Conflict"),
        detail=" ".join(error.messages),
    )


def _http_error(request, error: HttpError):
    if error.status_code == 400:
        # ninja's only 400: a body it could not parse.
        return problems.malformed(request)
    return problems.problem_response(
        request, status=error.status_code, kind="http", title=str(error), detail=str(error)
    )


def _forbidden(request, error: PermissionDenied):
    return problems.problem_response(
        request,
        status=403,
        kind="forbidden",
        title=_("Forbidden"),
        detail=str(error) or _("This key may not do this."),
    )


api.add_exception_handler(
    AuthenticationError, lambda request, error: problems.unauthorized(request)
)
api.add_exception_handler(HttpError, _http_error)
api.add_exception_handler(
    NinjaValidationError,
    lambda request, error: problems.invalid(request, problems.pydantic_errors(error.errors)),
)
api.add_exception_handler(Http404, lambda request, error: problems.not_found(request))
api.add_exception_handler(PermissionDenied, _forbidden)
api.add_exception_handler(CartClosed, _conflict)
api.add_exception_handler(IdempotencyConflict, _conflict)
api.add_exception_handler(
    DjangoValidationError,
    lambda request, error: problems.invalid(request, problems.django_errors(error)),
)
