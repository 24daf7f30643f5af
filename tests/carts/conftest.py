import json

import pytest
from django.test import Client

from carts.keys import api_key_create


class ApiClient:
    """The storefront's side of the intake API: JSON bodies and a Bearer key."""

    def __init__(self, raw_key: str | None):
        self.client = Client()
        self.raw_key = raw_key

    def headers(self, extra=None) -> dict:
        headers = {"Authorization": f"Bearer {self.raw_key}"} if self.raw_key else {}
        return {**headers, **(extra or {})}

    def put(self, path: str, body, headers=None):
        return self.client.put(
            f"/api/v1/{path}",
            data=body if isinstance(body, (bytes, str)) else json.dumps(body),
            content_type="application/json",
            headers=self.headers(headers),
        )

    def post(self, path: str, body=None, headers=None, content_type="application/json"):
        return self.client.post(
            f"/api/v1/{path}",
            data=body if isinstance(body, (bytes, str)) else json.dumps(body or {}),
            content_type=content_type,
            headers=self.headers(headers),
        )

    def get(self, path: str, headers=None):
        return self.client.get(f"/api/v1/{path}", headers=self.headers(headers))


@pytest.fixture
def raw_key(owner):
    return api_key_create(membership=owner, name="Boutique en ligne")[1]


@pytest.fixture
def api(raw_key):
    return ApiClient(raw_key)


def cart_body(**overrides) -> dict:
    body = {
        "customer": {
            "name": "Camille Martin",
            "email": "Camille.Martin@example.fr",
            "marketing_consent": True,
        },
        "language": "fr",
        "currency": "EUR",
        "lines": [
            {
                "sku": "TSH-BLC-M",
                "name": "T-shirt coton bio (M)",
                "quantity": 2,
                "unit_price": "19.90",
            },
            {"sku": "TAS-CER-01", "name": "Tasse en céramique", "quantity": 1, "unit_price": 14.5},
        ],
    }
    body.update(overrides)
    return body


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """One periodic run, its e-mails delivered as the worker would (after commit)."""
    from carts.reminders import reminders_run

    def run_once(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_run(**kwargs)

    return run_once
