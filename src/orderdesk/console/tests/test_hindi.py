"""Hindi in the console (issue 18): the agent's own language setting, the console's chrome in
it, the scripts read aloud in the customer's language, customer pages in the customer's."""

from __future__ import annotations

import pytest
from django.test import Client

from orderdesk.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_hindi_agents_console_is_hindi_and_an_english_agents_is_not(cast, client_for):
    cast["sales"].language = "hi"
    cast["sales"].save(update_fields=["language"])
    hindi = client_for("sales").get("/console/sales/")
    english = client_for("sales2").get("/console/sales/")
    assert hindi.status_code == english.status_code == 200
    hindi_html, english_html = hindi.content.decode(), english.content.decode()
    assert '<html lang="hi">' in hindi_html
    assert "सेल्स डेस्क" in hindi_html and "साइन आउट" in hindi_html  # navigation, header
    assert '<html lang="en-IN">' in english_html
    assert "Sales desk" in english_html and "Sign out" in english_html
    assert "साइन आउट" not in english_html


def test_the_api_answers_in_english_for_a_hindi_agent(cast, client_for):
    cast["sales"].language = "hi"
    cast["sales"].save(update_fields=["language"])
    response = client_for("sales").get("/api/v1/orders/NOPE-1")
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["title"].isascii()


def test_an_agent_sets_their_own_language_audited(cast, client_for):
    client = client_for("cx")
    page = client.get("/console/language/")
    assert page.status_code == 200
    assert 'name="language" value="hi"' in page.content.decode()
    response = client.post("/console/language/", {"language": "hi"})
    assert response.status_code == 302 and response["Location"] == "/console/language/"
    cast["cx"].refresh_from_db()
    assert cast["cx"].language == "hi"
    event = AuditEvent.objects.get(action="user.set_language")
    assert (event.actor_id, event.object_id) == (cast["cx"].pk, str(cast["cx"].pk))
    assert (event.before, event.after) == ({"language": "en-in"}, {"language": "hi"})
    followed = client.get("/console/language/").content.decode()
    assert "आपकी कंसोल भाषा सेव हो गई है।" in followed  # the message, in the new language


def test_an_unknown_language_is_refused_naming_the_field_and_changes_nothing(cast, client_for):
    response = client_for("sales").post("/console/language/", {"language": "xx"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_language_error"' in html and "Choose one of the languages listed." in html
    cast["sales"].refresh_from_db()
    assert cast["sales"].language == "en-in"
    assert not AuditEvent.objects.filter(action="user.set_language").exists()


def test_a_user_changes_only_their_own_language(cast, client_for):
    """There is no user in the URL or the form: a posted ``user`` is ignored."""
    client_for("sales").post(
        "/console/language/", {"language": "hi", "user": cast["sales2"].pk, "id": cast["cx"].pk}
    )
    for name in ("sales", "sales2", "cx"):
        cast[name].refresh_from_db()
    assert cast["sales"].language == "hi"
    assert cast["sales2"].language == cast["cx"].language == "en-in"


def test_api_clients_and_signed_out_visitors_have_no_language_page(cast, client_for):
    assert Client().post("/console/language/", {"language": "hi"}).status_code == 302
    api = Client()
    api.force_login(cast["app"])
    assert api.post("/console/language/", {"language": "hi"}).status_code == 403
    cast["app"].refresh_from_db()
    assert cast["app"].language == "en-in"


@pytest.fixture
def lead_for(cast):
    from orderdesk.leads import actions
    from orderdesk.leads.seeding import ensure_default_settings
    from orderdesk.testing.factories import make_customer

    ensure_default_settings()

    def make(language: str, phone: str = "+919876543210"):
        customer = make_customer(name="Asha Rao", phone=phone)
        customer.language = language
        customer.save(update_fields=["language"])
        lead, _ = actions.create_lead(customer=customer, source="app_quote", owner=cast["sales"])
        return lead

    return make


def script_blocks(html: str) -> list[str]:
    return [
        part.split("</blockquote>", 1)[0]
        for part in html.split('<blockquote class="script__say"')[1:]
    ]


def test_a_hindi_agents_lead_page_has_hindi_chrome(cast, client_for, lead_for):
    cast["sales"].language = "hi"
    cast["sales"].save(update_fields=["language"])
    lead = lead_for("en")
    html = client_for("sales").get(f"/console/leads/{lead.pk}/").content.decode()
    assert '<html lang="hi">' in html
    for hindi in ("संपर्क दर्ज करें", "क्या ग्राहक से बात हुई?", "अगली लीड", "क्या कहना है"):
        assert hindi in html
    assert "Did you reach the customer?" not in html
    # The customer speaks English: the scripts the agent reads stay English, marked so.
    says = script_blocks(html)
    assert says and all('lang="en"' in say for say in says)
    assert any("Thanks for confirming." in say for say in says)


def test_an_english_agents_lead_page_has_no_hindi_chrome(cast, client_for, lead_for):
    lead = lead_for("en")
    html = client_for("sales").get(f"/console/leads/{lead.pk}/").content.decode()
    assert '<html lang="en-IN">' in html
    assert "Did you reach the customer?" in html and "Log a contact" in html
    assert "संपर्क दर्ज करें" not in html


def test_a_hindi_customers_script_is_hindi_while_the_agents_chrome_is_english(
    cast, client_for, lead_for
):
    lead = lead_for("hi")
    html = client_for("sales").get(f"/console/leads/{lead.pk}/").content.decode()
    assert '<html lang="en-IN">' in html and "Did you reach the customer?" in html
    says = script_blocks(html)
    assert says and all('lang="hi"' in say for say in says)
    assert any("कन्फ़र्म करने के लिए धन्यवाद" in say for say in says)
    assert not any("Thanks for confirming." in say for say in says)


def test_every_agent_selectable_script_has_a_hindi_version():
    from orderdesk.leads import scripts

    spoken = [d["key"] for d in scripts.DEFAULT_DISPOSITIONS if d["script"]]
    assert sorted(spoken) == sorted(scripts.SCRIPTS_HI)
    assert scripts.script_for("no_answer", "", "hi") == ""  # nothing to say stays nothing
    assert scripts.script_for("not_interested", "Thank you.", "ta") == "Thank you."


def test_the_logged_message_is_in_the_agents_language_and_its_script_in_the_customers():
    """The flash after logging a contact: the agent's words in the agent's language, D6's
    "please wait" in the customer's."""
    from types import SimpleNamespace

    from django.utils import translation

    from orderdesk.console.leads_views import _logged_message
    from orderdesk.leads.models import Disposition

    result = SimpleNamespace(
        contact=SimpleNamespace(
            disposition=Disposition(key="already_ordered", label="Already Placed an Order")
        ),
        follow_up=None,
        order_found=False,
        ticket=SimpleNamespace(pk=7),
        cancelled_follow_ups=0,
        lead_changed=True,
        lead=SimpleNamespace(customer=SimpleNamespace(language="en"), closed_for_sales=False),
    )
    with translation.override("hi"):
        hindi = _logged_message(result)
    assert hindi.startswith("दर्ज हुआ: ऑर्डर पहले ही कर दिया।")  # the default outcome, by key
    assert "CX केस #7" in hindi and "I can't see the order yet." in hindi
    with translation.override("en-in"):
        english = _logged_message(result)
    assert english.startswith("Logged: Already Placed an Order. No order found: CX case #7")
    result.lead.customer.language = "hi"
    with translation.override("en-in"):
        assert "मुझे अभी ऑर्डर दिख नहीं रहा है" in _logged_message(result)
