import os

import pytest
from django.http import HttpRequest
from django.test import Client

from mycommerce import system
from mycommerce.checks import chromium_check
from mycommerce.roles import Role
from tests.factories import PASSWORD, MembershipFactory, StoreFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls
# made by browser tests (to set up data) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(trylast=True)  # after -m and -k have deselected
def pytest_collection_modifyitems(config, items):
    """Before any test runs: without Chromium, one line saying how to install it."""
    if any(item.get_closest_marker("browser") for item in items):
        for warning in chromium_check():
            pytest.exit(warning.msg, returncode=pytest.ExitCode.USAGE_ERROR)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def store(db):
    return StoreFactory(name="MaBoutique")


@pytest.fixture
def other_store(db):
    return StoreFactory(name="Succursale Lyon")


def _member(store, role):
    return MembershipFactory(store=store, role=role)


@pytest.fixture
def staff(store):
    return _member(store, Role.STAFF)


@pytest.fixture
def admin_member(store):
    return _member(store, Role.ADMIN)


@pytest.fixture
def owner(store):
    return _member(store, Role.OWNER)


def client_for(membership) -> Client:
    client = Client()
    # django-axes needs a request to count the attempt; a blank one will do (its docs).
    assert client.login(request=HttpRequest(), username=membership.user.username, password=PASSWORD)
    return client


@pytest.fixture
def staff_client(staff):
    return client_for(staff)


@pytest.fixture
def admin_client_(admin_member):
    return client_for(admin_member)


@pytest.fixture
def owner_client(owner):
    return client_for(owner)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: Playwright downloads no browser of its own here."""
    return {
        **browser_type_launch_args,
        "executable_path": system.CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
