import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_found_without_signing_in():
    response = Client().get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/favicon.ico"
    with open(finders.find("favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file


def test_every_page_links_its_icons(staff):
    html = client_for(staff).get("/orders/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert finders.find("favicon.svg")
    login = Client().get("/accounts/login/").content.decode()
    assert 'rel="icon"' in login
