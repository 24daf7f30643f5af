"""In French: mark an order shipped with a Colissimo number, follow its tracking link, see the
"Expédié" e-mail in the timeline and in the outbox, send it again; the settings page and its
preview pass axe-core."""

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from mycommerce.roles import Role
from orders.statuses import PaymentStatus
from tests.browser.support import sign_in_as, use_language
from tests.browser.test_accessibility import axe_violations
from tests.factories import MembershipFactory, OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NUMBER = "6A12345678901"
TRACKING_PAGE = f"https://www.laposte.fr/outils/suivre-vos-envois?code={NUMBER}"


def test_ship_with_colissimo_see_the_link_and_the_shipped_email(page: Page, live_server):
    owner = MembershipFactory(role=Role.OWNER, store__name="MaBoutique")
    order = OrderFactory(
        store=owner.store,
        payment_status=PaymentStatus.PAID,
        customer_name="Camille Martin",
        customer_email="camille@example.fr",
    )
    use_language(page, live_server, "fr")
    sign_in_as(page, live_server, owner.user.username)
    page.goto(f"{live_server.url}/orders/{order.pk}/")

    form = page.locator("#fulfillment-form")
    form.get_by_label("Nouveau statut de traitement").select_option("shipped")
    form.get_by_label("Transporteur", exact=True).select_option("colissimo")
    # A number of another carrier first: refused, with the way to keep it anyway.
    form.get_by_label("Numéro de suivi").fill("1Z999AA10123456784")
    form.get_by_role("button", name="Changer le statut de traitement").click()
    expect(page.locator("#fulfillment-form")).to_contain_text(
        "ne ressemble pas à un numéro de suivi Colissimo"
    )
    form = page.locator("#fulfillment-form")
    expect(form.get_by_label("Utiliser ce numéro quand même")).to_be_visible()
    form.get_by_label("Nouveau statut de traitement").select_option("shipped")
    form.get_by_label("Transporteur", exact=True).select_option("colissimo")
    form.get_by_label("Numéro de suivi").fill(NUMBER)
    form.get_by_role("button", name="Changer le statut de traitement").click()

    link = page.get_by_test_id("tracking-link")
    expect(link).to_have_attribute("href", TRACKING_PAGE)
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_have_accessible_name(
        f"{NUMBER} (suivre le colis sur le site Colissimo, s’ouvre dans un nouvel onglet)"
    )
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("E-mail « Expédié » envoyé à camille@example.fr.")
    assert [m.subject for m in mail.outbox] == [f"Votre commande {order.reference} a été expédiée"]
    assert TRACKING_PAGE in mail.outbox[0].body
    assert axe_violations(page) == []

    page.get_by_role("button", name="Renvoyer « Expédié »").click()
    expect(page.get_by_test_id("timeline")).to_contain_text(
        "E-mail « Expédié » renvoyé à camille@example.fr."
    )
    assert len(mail.outbox) == 2


def test_the_settings_page_and_preview_in_french(page: Page, live_server):
    admin = MembershipFactory(role=Role.ADMIN, store__name="MaBoutique")
    use_language(page, live_server, "fr")
    sign_in_as(page, live_server, admin.user.username)
    page.get_by_role("link", name="E-mails aux clients").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mails aux clients")
    assert axe_violations(page) == []
    page.get_by_label("Expédié").uncheck()
    page.get_by_label("Nom de l’expéditeur").fill("La Boutique de Camille")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("alert").first).to_contain_text("ont été enregistrés")
    expect(page.get_by_label("Expédié")).not_to_be_checked()

    page.locator("[data-email-kind='shipped']").get_by_role(
        "link", name="Aperçu (Français)"
    ).click()
    expect(page.get_by_test_id("preview-subject")).to_have_text(
        "Votre commande 1001 a été expédiée"
    )
    expect(page.get_by_text("Cet e-mail est désactivé.")).to_be_visible()
    assert axe_violations(page) == []
