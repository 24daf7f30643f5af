"""A machine where WeasyPrint cannot load (Pango missing) gets a page naming the package.

Nothing is uninstalled: WeasyPrint is imported afresh with cffi refusing Pango, and the system
check is pointed at an absent library name."""

import sys
from unittest import mock

import cffi
import pytest

from mycommerce import system
from orders.models import OrderEvent
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def without_pango(monkeypatch):
    real_dlopen = cffi.FFI.dlopen

    def dlopen(ffi, name, *args, **kwargs):
        if "pango" in str(name):
            raise OSError(f"cannot load library '{name}'")
        return real_dlopen(ffi, name, *args, **kwargs)

    monkeypatch.setattr(cffi.FFI, "dlopen", dlopen)
    monkeypatch.setitem(system.PDF_LIBRARIES, "libpango-absent.so.0", "libpango-1.0-0")
    monkeypatch.setattr(system.os, "geteuid", lambda: 0)
    monkeypatch.setattr(system, "_debian_like", lambda: True)
    with mock.patch.dict(sys.modules):
        for name in [name for name in sys.modules if name.split(".")[0] == "weasyprint"]:
            del sys.modules[name]
        yield


def test_one_invoice_names_the_missing_package(store, staff_client, without_pango):
    order = OrderFactory(store=store)

    response = staff_client.get(f"/orders/{order.pk}/invoice.pdf")

    assert response.status_code == 503
    html = response.content.decode()
    assert "Invoices and packing slips cannot be printed on this server" in html
    assert "the server lacks the system package libpango-1.0-0." in html
    assert "apt-get install -y --no-install-recommends libpango-1.0-0" in html
    assert not OrderEvent.objects.filter(type=OrderEvent.Type.INVOICE_PRINTED).exists()


def test_a_batch_names_the_missing_package_in_french(store, staff_client, without_pango):
    orders = [OrderFactory(store=store) for _ in range(2)]

    response = staff_client.post(
        "/orders/invoices/", {"ids": [o.pk for o in orders]}, HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert response.status_code == 503
    html = response.content.decode()
    assert "ne peuvent pas être imprimés sur ce serveur" in html
    assert "il manque au serveur le paquet système libpango-1.0-0." in html
    assert not OrderEvent.objects.filter(type=OrderEvent.Type.INVOICE_PRINTED).exists()


def test_weasyprint_loads_again_afterwards(store, staff_client):
    order = OrderFactory(store=store)
    response = staff_client.get(f"/orders/{order.pk}/packing-slip.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
