"""Sign-in protection (django-axes): lockout per username and per address, and how it lifts."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db.models import F
from django.test import Client

from tests.factories import PASSWORD, UserFactory

LOGIN_URL = "/accounts/login/"
HOME = "198.51.100.10"
ELSEWHERE = "203.0.113.20"


@pytest.fixture(autouse=True)
def _defaults(settings):
    """The shipped defaults, whatever the environment running the tests says."""
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def sign_in(client: Client, username: str, password: str = PASSWORD, address: str = HOME, **extra):
    return client.post(
        LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(username: str, times: int, address: str = HOME, **extra) -> list[int]:
    """`times` wrong passwords, each from a fresh browser; the status codes answered."""
    return [
        sign_in(Client(), username, "wrong-password", address, **extra).status_code
        for _ in range(times)
    ]


def assert_locked_out(response) -> None:
    page = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "Sign-in locked" in page
    assert "Too many failed sign-in attempts for this account or from this address." in page
    assert "Try again in 15 minutes." in page


def test_fifty_wrong_passwords_lock_the_account_and_then_the_right_one_is_refused(owner):
    username = owner.user.username

    codes = fail(username, 50)

    # Four wrong passwords get the form back; the fifth and every later one the lockout page.
    assert codes == [200] * 4 + [429] * 46
    client = Client()
    response = sign_in(client, username)
    assert_locked_out(response)
    assert not signed_in(client)
    assert client.get("/orders/").status_code == 302


def test_the_lockout_page_is_in_the_layout_and_speaks_french(owner):
    fail(owner.user.username, 5)

    response = sign_in(Client(), owner.user.username, HTTP_ACCEPT_LANGUAGE="fr")

    page = response.content.decode()
    assert response.status_code == 429
    assert '<html lang="fr">' in page
    assert "Connexion bloquée · MyCOMMERCE" in page
    assert (
        "Trop de tentatives de connexion échouées pour ce compte ou depuis cette adresse." in page
    )
    assert "Réessayez dans 15 minutes." in page
    assert 'href="/accounts/login/"' in page


def test_a_locked_account_is_refused_from_every_address(owner):
    fail(owner.user.username, 5, address=HOME)

    client = Client()
    assert_locked_out(sign_in(client, owner.user.username, address=ELSEWHERE))
    assert not signed_in(client)


def test_another_user_from_another_address_still_signs_in(owner, staff):
    fail(owner.user.username, 5, address=HOME)

    client = Client()
    response = sign_in(client, staff.user.username, address=ELSEWHERE)

    assert response.status_code == 302
    assert signed_in(client)
    assert client.get("/orders/").status_code == 200


def test_an_address_is_locked_for_every_username_after_failures_on_many(staff):
    for n in range(5):
        fail(f"guess{n}", 1, address=HOME)

    blocked = Client()
    assert_locked_out(sign_in(blocked, staff.user.username, address=HOME))
    assert not signed_in(blocked)
    elsewhere = Client()
    assert sign_in(elsewhere, staff.user.username, address=ELSEWHERE).status_code == 302
    assert signed_in(elsewhere)


def test_failures_below_the_limit_are_forgotten_on_success(owner):
    username = owner.user.username
    assert fail(username, 4) == [200] * 4
    assert sign_in(Client(), username).status_code == 302

    assert fail(username, 4) == [200] * 4
    client = Client()
    assert sign_in(client, username).status_code == 302
    assert signed_in(client)


def test_signing_in_to_ones_own_account_does_not_reset_the_guesses_at_another(owner, staff):
    """A script holding one account must not guess another's password without end."""
    assert fail(owner.user.username, 4, address=HOME) == [200] * 4
    assert sign_in(Client(), staff.user.username, address=HOME).status_code == 302

    assert fail(owner.user.username, 1, address=HOME) == [429]
    assert_locked_out(sign_in(Client(), owner.user.username, address=ELSEWHERE))


def test_the_username_command_unlocks_the_account(owner):
    fail(owner.user.username, 5)

    call_command("axes_reset_username", owner.user.username, stdout=open(os.devnull, "w"))

    client = Client()
    assert sign_in(client, owner.user.username).status_code == 302
    assert signed_in(client)


def test_the_address_command_unlocks_the_address(staff):
    for n in range(5):
        fail(f"guess{n}", 1, address=HOME)
    assert sign_in(Client(), staff.user.username, address=HOME).status_code == 429

    call_command("axes_reset_ip", HOME, stdout=open(os.devnull, "w"))

    client = Client()
    assert sign_in(client, staff.user.username, address=HOME).status_code == 302
    assert signed_in(client)


@pytest.mark.parametrize(("minutes_ago", "locked"), [(14, True), (16, False)])
def test_the_lockout_lifts_once_the_cool_off_has_passed(owner, minutes_ago, locked):
    fail(owner.user.username, 5)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes_ago))

    client = Client()
    response = sign_in(client, owner.user.username)

    assert (response.status_code == 429) is locked
    assert signed_in(client) is not locked


def test_every_attempt_during_a_lockout_restarts_the_wait(owner):
    fail(owner.user.username, 5)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=10))
    assert sign_in(Client(), owner.user.username).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=10))

    assert_locked_out(sign_in(Client(), owner.user.username))


def test_without_cool_off_the_lockout_waits_for_an_administrator(settings, owner):
    settings.AXES_COOLOFF_TIME = None
    fail(owner.user.username, 5)

    response = sign_in(Client(), owner.user.username)

    assert response.status_code == 429
    assert "Retry-After" not in response
    assert "Ask an administrator to unlock it." in response.content.decode()


def test_a_superuser_unlocks_an_account_in_the_admin(owner):
    fail(owner.user.username, 5)
    admin = Client()
    admin.force_login(UserFactory(is_superuser=True, is_staff=True))

    page = admin.get("/admin/axes/accessattempt/").content.decode()
    assert owner.user.username in page
    attempt = AccessAttempt.objects.get(username=owner.user.username)
    response = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    client = Client()
    assert sign_in(client, owner.user.username).status_code == 302
    assert signed_in(client)


def test_a_superuser_signs_in_on_the_sign_in_page_and_reaches_the_admin(db):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"

    response = client.post(
        LOGIN_URL,
        {"username": superuser.username, "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR=HOME,
    )

    assert response["Location"] == "/admin/"
    assert "Access attempts" in client.get("/admin/").content.decode()


def test_the_admin_is_for_superusers_only(owner):
    owner.user.is_staff = True
    owner.user.save()
    client = Client()
    client.force_login(owner.user)

    response = client.get("/admin/axes/accessattempt/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_admin_sign_in_is_protected_too(db):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    for _ in range(5):
        Client().post(
            "/admin/login/",
            {"username": superuser.username, "password": "wrong-password"},
            REMOTE_ADDR=HOME,
        )

    client = Client()
    response = client.post(
        "/admin/login/", {"username": superuser.username, "password": PASSWORD}, REMOTE_ADDR=HOME
    )

    assert_locked_out(response)
    assert not signed_in(client)


def test_behind_a_proxy_the_configured_header_names_the_address(settings, staff):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_REAL_IP", "REMOTE_ADDR")
    proxy = "10.0.0.1"
    for n in range(5):
        fail(f"guess{n}", 1, address=proxy, HTTP_X_REAL_IP=HOME)

    blocked = sign_in(Client(), staff.user.username, address=proxy, HTTP_X_REAL_IP=HOME)
    other = Client()
    allowed = sign_in(other, staff.user.username, address=proxy, HTTP_X_REAL_IP=ELSEWHERE)

    assert blocked.status_code == 429
    assert allowed.status_code == 302
    assert signed_in(other)


def test_an_overlong_username_is_counted_without_an_error(db):
    # PostgreSQL refuses to store more than the 255 characters of axes' username column.
    assert fail("x" * 1000, 5) == [200] * 4 + [429]
    assert AccessAttempt.objects.get().username == "x" * 255


def _settings_with(env: dict[str, str]) -> list[str]:
    """The axes settings as a fresh process reads them from the environment."""
    code = (
        "import mycommerce.settings as s; "
        "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME, s.AXES_IPWARE_META_PRECEDENCE_ORDER)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SIGN_IN_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split(maxsplit=2)


def test_the_limits_come_from_the_environment_with_defaults():
    assert _settings_with({}) == ["5", "0:15:00", "('REMOTE_ADDR',)\n"]
    assert _settings_with(
        {
            "SIGN_IN_FAILURE_LIMIT": "3",
            "SIGN_IN_COOLOFF_MINUTES": "60",
            "SIGN_IN_CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
        }
    ) == ["3", "1:00:00", "('HTTP_X_REAL_IP', 'REMOTE_ADDR')\n"]
    assert _settings_with({"SIGN_IN_COOLOFF_MINUTES": "0"})[1] == "None"
