"""The server's console shows every 500 and every failure inside a streamed response, with
the request's path and the traceback, through the LOGGING of the settings."""

import io
import logging

import pytest

from tests.conftest import client_for
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def console():
    """What the settings' console handler prints during the test."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_a_500_is_printed_with_its_path_and_traceback(monkeypatch, staff, console):
    def fail(**kwargs):
        raise RuntimeError("the list broke")

    monkeypatch.setattr("orders.views.order_list_page", fail)
    client = client_for(staff)
    client.raise_request_exception = False
    response = client.get("/orders/", {"q": "x"})
    assert response.status_code == 500
    printed = console.getvalue()
    assert "ERROR django.request: Internal Server Error: /orders/" in printed
    assert "RuntimeError: the list broke" in printed


def test_a_failure_inside_a_streamed_export_is_printed_with_its_path(
    monkeypatch, staff_client, store, console
):
    OrderFactory(store=store)

    def batches(**kwargs):
        raise RuntimeError("the disk is full")
        yield  # a generator, as the real one: it fails once the file is being sent

    monkeypatch.setattr("exports.services.export_row_batches", batches)
    response = staff_client.post(
        "/exports/orders/",
        {"separator": "comma", "columns": ["reference"], "layout": "orders", "decimal": "point"},
    )
    # The headers are already sent: the view answered 200, the failure comes while streaming.
    assert response.status_code == 200
    with pytest.raises(RuntimeError, match="the disk is full"):
        b"".join(response.streaming_content)
    printed = console.getvalue()
    assert "ERROR mycommerce.streaming: Streamed response failed: POST /exports/orders/" in printed
    assert "RuntimeError: the disk is full" in printed


def test_a_streamed_response_that_completes_is_unchanged(staff_client, store):
    order = OrderFactory(store=store)
    response = staff_client.post(
        "/exports/orders/",
        {"separator": "comma", "columns": ["reference"], "layout": "orders", "bom": "0"},
    )
    assert b"".join(response.streaming_content).decode().splitlines() == [
        "Reference",
        order.reference,
    ]
