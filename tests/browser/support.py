"""Helpers of the browser tests that run in either language."""

from playwright.sync_api import Page

from tests.factories import PASSWORD


def use_language(page: Page, live_server, language: str) -> None:
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )


def sign_in_as(page: Page, live_server, username: str) -> None:
    """Sign in whatever the page's language (the fields by id, the form's own button)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
