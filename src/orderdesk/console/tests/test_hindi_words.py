"""Hindi in the console, the last of issue 18: choice labels, the default dispositions, refusal
sentences and the clocks' words follow the agent's language; the API and the domain's own
messages stay English (docs/decisions.md, "Hindi in the console")."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape

import pytest
from django.test import Client
from django.utils import translation

from orderdesk.console.clocks import countdown_words, relative_words, words
from orderdesk.console.wording import SENTENCES, said, sentence
from orderdesk.core.errors import Conflict
from orderdesk.leads import actions
from orderdesk.leads.choices import LeadStatus
from orderdesk.leads.models import Disposition
from orderdesk.testing.factories import make_customer

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _default_settings(db):
    from orderdesk.leads.seeding import ensure_default_settings

    ensure_default_settings()


@pytest.fixture
def hindi_sales(cast):
    cast["sales"].language = "hi"
    cast["sales"].save(update_fields=["language"])
    return cast["sales"]


@pytest.fixture
def lead(cast):
    lead, _ = actions.create_lead(
        customer=make_customer(name="Asha Rao", phone="+919876543210"),
        source="app_quote",
        owner=cast["sales"],
    )
    return lead


def lead_status(html: str) -> str:
    return re.search(r'data-testid="lead-status">([^<]*)<', html).group(1)


# --- Choice labels ---------------------------------------------------------------------------


def test_a_hindi_agent_reads_status_and_priority_in_hindi_on_the_lead_page(
    hindi_sales, client_for, lead
):
    html = client_for("sales").get(f"/console/leads/{lead.pk}/").content.decode()
    assert lead_status(html) == "नया"
    assert "<dd>नॉर्मल</dd>" in html  # the priority


def test_an_english_agent_reads_them_in_english(cast, client_for, lead):
    lead.owner = cast["sales2"]
    lead.save(update_fields=["owner"])
    html = client_for("sales2").get(f"/console/leads/{lead.pk}/").content.decode()
    assert lead_status(html) == "New"
    assert "<dd>Normal</dd>" in html


def test_the_labels_are_the_same_english_text_so_no_migration_is_needed():
    assert str(LeadStatus.NEW.label) == "New"
    with translation.override("hi"):
        assert str(LeadStatus.NEW.label) == "नया"
    assert LeadStatus.NEW.label == "New"  # and English again outside the override


def test_the_default_dispositions_are_translated_by_key_and_a_renamed_one_is_not(
    hindi_sales, cast, client_for, lead
):
    html = client_for("sales").get(f"/console/leads/{lead.pk}/").content.decode()
    assert "फ़ोन बंद" in html and "Switched Off" not in html  # the call panel's outcomes
    Disposition.objects.filter(key="switched_off").update(label="Phone off or unreachable")
    html = client_for("sales").get(f"/console/leads/{lead.pk}/").content.decode()
    assert "Phone off or unreachable" in html  # an admin's own label is shown as written
    english = Disposition.objects.get(key="no_answer")
    assert english.shown_label == "No Answer"
    with translation.override("hi"):
        assert english.shown_label == "जवाब नहीं"


# --- Refusals --------------------------------------------------------------------------------


def test_a_hindi_agent_reads_a_refusal_in_hindi_an_english_agent_the_domains_message(
    cast, client_for, lead
):
    english = client_for("sales").post(f"/console/leads/{lead.pk}/close/", {"close_notes": ""})
    assert english.status_code == 422
    assert "Notes are required for Closed politely" in english.content.decode()
    cast["sales"].language = "hi"
    cast["sales"].save(update_fields=["language"])
    hindi = client_for("sales").post(f"/console/leads/{lead.pk}/close/", {"close_notes": ""})
    assert hindi.status_code == 422
    html = hindi.content.decode()
    assert "लिखें कि ग्राहक ने क्या कहा और आगे क्या होगा।" in html
    assert "Notes are required" not in html


def test_every_sentence_is_translated_and_a_code_without_one_keeps_the_message():
    with translation.override("hi"):
        for code, text in SENTENCES.items():
            assert sentence(code) != text, code
        # An API-only code has no sentence: the domain's message stays.
        unworded = Conflict("Something specific went wrong.", code="invalid_json")
        assert said(unworded) == "Something specific went wrong."
        assert sentence("invalid_json") == "यह अनुरोध मना कर दिया गया।"


def test_the_domains_messages_quote_labels_in_english_whatever_the_language():
    with translation.override("hi"):
        refusal = actions._illegal_move("new", "closed")
    assert refusal.message == "A lead cannot go from New to Closed."


# --- Clocks ----------------------------------------------------------------------------------


def test_relative_times_and_countdowns_in_hindi_and_english():
    soon, late = NOW + dt.timedelta(minutes=5, seconds=10), NOW - dt.timedelta(minutes=7)
    assert relative_words(soon, NOW) == "in 5 min"
    assert relative_words(late, NOW) == "7 min ago"
    assert countdown_words(late, NOW) == "overdue by 7 min"
    assert countdown_words(NOW + dt.timedelta(hours=1, minutes=5), NOW) == "1 h 05 min left"
    with translation.override("hi"):
        assert relative_words(soon, NOW) == "5 मिनट में"
        assert relative_words(late, NOW) == "7 मिनट पहले"
        assert relative_words(NOW, NOW) == "अभी-अभी"
        assert countdown_words(late, NOW) == "7 मिनट की देरी"
        assert countdown_words(NOW + dt.timedelta(hours=1, minutes=5), NOW) == ("1 घंटे 05 मिनट बाकी")
        assert countdown_words(NOW + dt.timedelta(days=2, hours=3), NOW) == "2 दिन 3 घंटे बाकी"


def clock_words_block(html: str) -> dict:
    match = re.search(r'<body [^>]*data-clock-words="([^"]*)"', html)
    assert match, "no data-clock-words"
    return json.loads(unescape(match.group(1)))


def test_the_page_hands_clocks_js_the_words_in_the_agents_language(hindi_sales, client_for, lead):
    hindi = clock_words_block(client_for("sales").get("/console/sales/").content.decode())
    with translation.override("hi"):
        assert hindi == words()
    assert hindi["min"] == "%(n)s मिनट" and hindi["ago"] == "%(span)s पहले"
    english = clock_words_block(client_for("sales2").get("/console/sales/").content.decode())
    assert english["min"] == "%(n)s min" and english["overdue"] == "overdue by %(span)s"


# --- The API stays English ---------------------------------------------------------------------


def test_the_api_answers_english_labels_to_a_hindi_speaking_user(hindi_sales, api, lead):
    response = api(hindi_sales).get(f"/api/v1/leads/{lead.pk}")
    assert response.status_code == 200, response.content
    assert response.json()["status_label"] == "New"
    assert translation.get_language() in (None, "en-in")  # nothing leaked into the test


def test_a_hindi_agents_signed_in_session_does_not_make_the_api_hindi(hindi_sales, lead):
    client = Client()
    client.force_login(hindi_sales)
    response = client.get(f"/api/v1/leads/{lead.pk}")
    # The API authenticates with tokens; whatever it answers, it answers in English.
    assert response.content.decode().isascii()


# --- Scripts read to the customer quote labels in the customer's language ------------------------


def test_a_hindi_agents_english_status_script_names_the_status_in_english(cast, catalog):
    from orderdesk.cx.selectors import order_status_facts, price_dispute_facts
    from orderdesk.orders.actions import create_order
    from orderdesk.testing.factories import agent_order_request

    order = create_order(agent_order_request(catalog), actor=cast["sales"], channel="agent")
    with translation.override("hi"):  # the agent's console language
        script = order_status_facts(order)["script"]
        hindi = price_dispute_facts(order, language="hi")["script"]
        english = price_dispute_facts(order)["script"]
    assert f"Your order {order.display_number} is created." in script
    assert "ऑर्डर करते समय" in hindi and "If you do not want" in english


# --- Every code the console can show has a Hindi sentence (issue 18, the last gap) ----------

#: Codes a console agent never reads, so they need no sentence. Keep each group's reason.
API_ONLY = frozenset(
    {
        # The bearer-token exchange (accounts.actions.issue_token) and the API's authentication;
        # the console signs in through its own page.
        "not_authenticated",
        "two_factor_enrolment_required",
        "two_factor_required",
        # The JSON API's parsing, paging, idempotency and filters (api/).
        "cursor_invalid",
        "filter_required",
        "http_error",
        "idempotency_key_reused",
        "invalid_json",
        "not_a_boolean",
        "not_a_datetime",
        "not_a_string",
        "not_a_uuid",
        "not_allowed",
        "not_an_object",
        "nul_character",
        # Server faults: the console shows its error page, not a refusal.
        "database_error",
        "migrations_pending",
        "server_error",
        "service_unavailable",
        # The customer's own pages and SMS replies (storefront, surveys, feedback, phone codes).
        "code_attempts_exceeded",
        "code_expired",
        "code_unknown",
        "code_wrong",
        "phone_not_verified",
        "phone_verification_mismatch",
        "phone_verification_required",
        "words_required",
        "csat_already_answered",
        "csat_code_unknown",
        "csat_expired",
        "csat_link_invalid",
        "csat_reply_unreadable",
        "csat_score_invalid",
        "feedback_already_answered",
        "feedback_code_unknown",
        "feedback_expired",
        "feedback_link_invalid",
        "feedback_reply_unreadable",
        "feedback_score_invalid",
    }
)

DEVANAGARI = re.compile("[\u0900-\u097f]")


def test_every_code_the_console_can_show_has_a_hindi_sentence():
    from orderdesk.core.problem_codes import PROBLEM_CODES

    assert set(PROBLEM_CODES) >= API_ONLY, sorted(API_ONLY - set(PROBLEM_CODES))
    shown = sorted(set(PROBLEM_CODES) - API_ONLY)
    assert [code for code in shown if code not in SENTENCES] == []
    with translation.override("hi"):
        untranslated = [
            code
            for code in shown
            if sentence(code) == SENTENCES[code] or not DEVANAGARI.search(sentence(code))
        ]
    assert untranslated == []


@pytest.mark.parametrize(
    "code",
    [
        "state_changed",
        "not_lead_owner",
        "illegal_transition",
        "whatsapp_window_closed",
        "call_in_progress",
        "apology_required",
        "range_too_long",
        "webhook_no_events",
    ],
)
def test_said_gives_a_hindi_agent_hindi_and_an_english_agent_the_domains_message(code):
    error = Conflict("The domain's own English message.", code=code)
    with translation.override("hi"):
        hindi = said(error)
    assert DEVANAGARI.search(hindi) and hindi != SENTENCES[code]
    with translation.override("en"):
        assert said(error) == "The domain's own English message."


# --- Messages after an action -----------------------------------------------------------------


def test_the_message_after_an_action_follows_the_agents_language(cast, hindi_sales):
    """The notices a view puts on the next page (here: "no other lead of yours") are in the
    agent's language; the same request by an English-speaking agent reads English."""
    hindi = Client()
    hindi.force_login(hindi_sales)
    page = hindi.get("/console/leads/next/", follow=True).content.decode()
    assert "अभी आपकी कोई और लीड काम के लिए नहीं है" in page
    assert "No other lead of yours to work now" not in page

    english = Client()
    hindi_sales.language = "en-in"
    hindi_sales.save(update_fields=["language"])
    english.force_login(hindi_sales)
    page = english.get("/console/leads/next/", follow=True).content.decode()
    assert "No other lead of yours to work now. Pick up an unowned lead below." in page


def test_the_absolute_time_beside_a_clock_names_day_and_month_in_the_agents_language():
    from orderdesk.console.clocks import ist_words

    when = dt.datetime(2026, 12, 6, 8, 35, tzinfo=dt.UTC)
    assert ist_words(when) == "Sun 6 Dec, 14:05 IST"
    with translation.override("hi"):
        assert ist_words(when) == "रवि 6 दिस्, 14:05 IST"
