"""The API's URLs, each view guarded before ninja reads anything: no sign-in (the key is the
credential, and no cookie is used, so no CSRF either), JSON bodies only, and a size limit."""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.urls import path

from carts.api import problems
from carts.api.app import api

# 500 lines of the longest fields fit in about 400 KiB.
MAX_BODY_BYTES = 1024 * 1024


def intake_guard(view):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if request.method in ("POST", "PUT", "PATCH"):
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > MAX_BODY_BYTES:
                return problems.too_large(request, MAX_BODY_BYTES)
            try:
                body = request.body
            except RequestDataTooBig:
                return problems.too_large(request, MAX_BODY_BYTES)
            if len(body) > MAX_BODY_BYTES:
                return problems.too_large(request, MAX_BODY_BYTES)
            if body and request.content_type != "application/json":
                return problems.unsupported_media_type(request)
        return view(request, *args, **kwargs)

    guarded.csrf_exempt = True
    return login_not_required(guarded)


app_name = "api_v1"
patterns, _app_name, _namespace = api.urls
urlpatterns = [
    path(str(pattern.pattern), intake_guard(pattern.callback), name=pattern.name)
    for pattern in patterns
]
