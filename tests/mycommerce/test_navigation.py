"""The sidebar shows each entry to the roles that may open it and only for pages that exist;
the plan page sells only what exists; a role refusal is explained as one."""

import pytest

from mycommerce.plan_matrix import PLAN_ROWS, plan_matrix
from mycommerce.plans import Feature
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def sidebar(client) -> str:
    html = client.get("/orders/").content.decode()
    return html[html.index('aria-label="Main navigation"') : html.index("</nav>")]


def test_staff_see_no_settings_entry_they_could_not_open(staff, admin_member):
    staff_nav = sidebar(client_for(staff))
    admin_nav = sidebar(client_for(admin_member))
    for entry in ("Order numbering", 'href="/settings/store/"'):
        assert entry not in staff_nav
        assert entry in admin_nav
    assert 'href="/settings/plan/"' in staff_nav  # staff may read the plan


def test_a_staff_member_on_the_numbering_page_is_told_it_is_their_role(staff):
    client = client_for(staff)
    for language, role_words in (("en", "Your role in this store"), ("fr", "Votre rôle")):
        client.cookies["django_language"] = language
        response = client.get("/settings/numbering/")
        html = response.content.decode()
        refusal = html[html.index('data-testid="refusal"') : html.index("</main>")]
        assert response.status_code == 403
        assert 'data-testid="role-refused"' in refusal and role_words in refusal
        assert 'data-testid="plan-locked"' not in refusal and "/settings/plan/" not in refusal


def test_the_sidebar_offers_no_page_that_does_not_exist(staff):
    nav = sidebar(client_for(staff))
    assert "Abandoned carts" not in nav and "Reports" not in nav
    assert "Not available yet" not in nav and "disabled" not in nav


def test_a_page_that_lands_joins_the_sidebar_and_the_plan_by_itself(settings, owner):
    settings.ROOT_URLCONF = "tests.mycommerce.urls_with_carts"
    client = client_for(owner)
    assert 'href="/carts/"' in sidebar(client) and "Abandoned carts" in sidebar(client)
    plan = client.get("/settings/plan/").content.decode()
    assert f'<tr data-feature="{Feature.ABANDONED_CARTS}">' in plan


def test_the_plan_page_lists_what_does_not_exist_as_coming_soon_only(owner):
    html = client_for(owner).get("/settings/plan/").content.decode()
    table = html[html.index("<table") : html.index("</table>")]
    assert "Abandoned cart recovery" not in table and "Sales reports" not in table
    assert "reports" not in table.lower()
    assert "Custom order numbering" in table and "Order editing" in table
    soon = html[html.index('data-testid="coming-soon"') :]
    soon = soon[: soon.index("</p>")]
    assert "Sales reports" in soon and "Abandoned cart recovery" in soon


def test_every_row_of_the_matrix_names_a_feature_and_a_page():
    matrix = plan_matrix()
    assert {row for row, _cells in matrix.rows} | set(matrix.coming_soon) == set(PLAN_ROWS)
    assert {row.feature for row in PLAN_ROWS} == set(Feature)
    # Free, Starter, Standard, Professional: numbering from Starter on.
    cells = dict((row.feature, cells) for row, cells in matrix.rows)
    assert cells[Feature.CUSTOM_NUMBERING] == [False, True, True, True]
