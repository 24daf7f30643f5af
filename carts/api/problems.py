"""Errors of the intake API as RFC 9457 problem details (`application/problem+json`): a
`type` URI per kind of problem, a translated `title` and `detail`, and for invalid input
`errors`, one entry per field, named as the request names it (`lines[3].quantity`)."""

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "tag:mycommerce,2026:problems/"


def problem_response(
    request,
    *,
    status: int,
    kind: str,
    title: str,
    detail: str,
    errors: list[dict] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body = {
        "type": TYPE_BASE + kind,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def unauthorized(request) -> HttpResponse:
    return problem_response(
        request,
        status=401,
        kind="unauthorized",
        title=_("Unauthorized"),
        detail=_(
            "Send the store's API key as “Authorization: Bearer <key>”; "
            "this one is missing, unknown or revoked."
        ),
        headers={"WWW-Authenticate": 'Bearer realm="MyCOMMERCE intake API"'},
    )


def not_found(request, detail: str = "") -> HttpResponse:
    return problem_response(
        request,
        status=404,
        kind="not-found",
        title=_("Not found"),
        detail=detail or _("Nothing of this store has this address."),
    )


def malformed(request) -> HttpResponse:
    return problem_response(
        request,
        status=400,
        kind="malformed-json",
        title=_("Malformed request"),
        detail=_("The request body is not valid JSON."),
    )


def too_large(request, limit: int) -> HttpResponse:
    return problem_response(
        request,
        status=413,
        kind="too-large",
        title=_("Request too large"),
        detail=_("The request body may be at most %(size)d KiB.") % {"size": limit // 1024},
    )


def unsupported_media_type(request) -> HttpResponse:
    return problem_response(
        request,
        status=415,
        kind="unsupported-media-type",
        title=_("Unsupported media type"),
        detail=_("Send the body as JSON, with “Content-Type: application/json”."),
    )


def invalid(request, errors: list[dict]) -> HttpResponse:
    return problem_response(
        request,
        status=422,
        kind="validation",
        title=_("Invalid input"),
        detail=ngettext(
            "%(count)d field is not valid; nothing was saved.",
            "%(count)d fields are not valid; nothing was saved.",
            len(errors),
        )
        % {"count": len(errors)},
        errors=errors,
    )


def field_path(location) -> str:
    """("lines", 3, "quantity") → "lines[3].quantity"."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def django_errors(error: DjangoValidationError) -> list[dict]:
    """A service's ValidationError as the API's list of field errors."""
    if hasattr(error, "error_dict"):
        return [
            {"field": name if name != "__all__" else "", "message": message}
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"field": "", "message": message} for message in error.messages]


def _ctx(error: dict, name: str, default=""):
    return (error.get("ctx") or {}).get(name, default)


PYDANTIC_MESSAGES = {
    "missing": lambda e: _("This field is required."),
    "extra_forbidden": lambda e: _("Unknown field."),
    "string_type": lambda e: _("Enter a text."),
    "string_too_long": lambda e: _("At most %(max)s characters.") % {"max": _ctx(e, "max_length")},
    "string_too_short": lambda e: (
        _("At least %(min)s characters.") % {"min": _ctx(e, "min_length")}
    ),
    "string_pattern_mismatch": lambda e: _("This value does not have the expected format."),
    "too_long": lambda e: _("At most %(max)s items.") % {"max": _ctx(e, "max_length")},
    "too_short": lambda e: _("At least %(min)s items.") % {"min": _ctx(e, "min_length")},
    "int_type": lambda e: _("Enter a whole number."),
    "int_parsing": lambda e: _("Enter a whole number."),
    "int_from_float": lambda e: _("Enter a whole number."),
    "decimal_type": lambda e: _('Enter an amount, e.g. "19.90".'),
    "decimal_parsing": lambda e: _('Enter an amount, e.g. "19.90".'),
    "finite_number": lambda e: _('Enter an amount, e.g. "19.90".'),
    "decimal_max_places": lambda e: (
        _("At most %(places)s decimal places.") % {"places": _ctx(e, "decimal_places")}
    ),
    "decimal_max_digits": lambda e: _("This amount has too many digits."),
    "greater_than_equal": lambda e: _("Must be at least %(min)s.") % {"min": _ctx(e, "ge")},
    "less_than_equal": lambda e: _("Must be at most %(max)s.") % {"max": _ctx(e, "le")},
    "bool_type": lambda e: _("Enter true or false."),
    "bool_parsing": lambda e: _("Enter true or false."),
    "literal_error": lambda e: _("Choose one of: %(choices)s.") % {"choices": _ctx(e, "expected")},
    "model_type": lambda e: _("Enter an object."),
    "model_attributes_type": lambda e: _("Enter an object."),
    "dict_type": lambda e: _("Enter an object."),
    "list_type": lambda e: _("Enter a list."),
    # Our own validators' messages are already translated.
    "value_error": lambda e: str(_ctx(e, "error", e.get("msg", ""))),
}


def pydantic_errors(errors: list[dict]) -> list[dict]:
    """ninja's validation errors (loc: source, parameter, then the path inside it)."""
    result = []
    for error in errors:
        location = list(error.get("loc", ()))
        source = location[:1]
        # A body's first part is the parameter's name; path and header values are named.
        inner = location[2:] if source == ["body"] else location[1:]
        message = PYDANTIC_MESSAGES.get(error.get("type"), lambda e: e.get("msg", ""))(error)
        result.append({"field": field_path(inner), "message": str(message)})
    return result
