"""The server log: an expected refusal is one line; a server error keeps its traceback; no
record is printed twice."""

import logging

import pytest
from django.urls import path

from mycommerce.urls import urlpatterns as site_urls
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def broken(request):
    raise RuntimeError("the disk is full")


urlpatterns = [path("broken/", broken), *site_urls]


def handlers_reached(name: str) -> list[logging.Handler]:
    """The handlers a record of logger `name` goes through (pytest's capture aside)."""
    found, logger = [], logging.getLogger(name)
    while logger:
        found += [h for h in logger.handlers if not type(h).__module__.startswith("_pytest")]
        logger = logger.parent if logger.propagate else None
    return found


def test_a_django_request_record_is_printed_once():
    assert (
        len([h for h in handlers_reached("django.request") if isinstance(h, logging.StreamHandler)])
        == 1
    )


def test_a_refused_permission_is_one_line_without_traceback(staff, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client_for(staff).get("/settings/numbering/").status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].getMessage() == (
        "Forbidden (role lacks manage_settings): /settings/numbering/"
    )
    assert records[0].exc_info is None and records[0].status_code == 403


def test_a_plan_refusal_says_which_feature(staff, caplog):
    staff.store.plan = "free"
    staff.store.save()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client_for(staff).get("/orders/new/").status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (plan lacks order_editing): /orders/new/"
    assert record.exc_info is None


def test_a_server_error_is_logged_with_its_traceback(settings, staff, caplog):
    settings.ROOT_URLCONF = __name__
    client = client_for(staff)
    client.raise_request_exception = False
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/broken/")
    assert response.status_code == 500
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.ERROR and record.exc_info[0] is RuntimeError
