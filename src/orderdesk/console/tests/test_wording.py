"""Issue 18: words, not codes. Every problem code the console can show a person has a
sentence (console/wording.py); agents read the sentence, supervisors also get the code in a
tooltip; the training card names rules by title, not by id."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from orderdesk.console.wording import SENTENCES, sentence
from orderdesk.leads import rules as lead_rules

pytestmark = pytest.mark.django_db

PRIVACY_CODES = {"already_erased", "erasure_order_open", "erasure_payment_records_kept"}
ORDER_NUMBER_CODES = {"bad_format", "bad_check_character"}


def console_codes() -> set[str]:
    """The codes the console shows: the training card's refusals, the contact refusals kept
    for oversight, customer-data refusals, order-number problems, the inspected-price guard."""
    codes = {code for rule in lead_rules.RULES for code in rule.codes}
    return (
        codes
        | lead_rules.OVER_CONTACT_CODES
        | PRIVACY_CODES
        | ORDER_NUMBER_CODES
        | {
            "price_outside_band",
            "notes_too_long",
        }
    )


def test_every_code_the_console_shows_has_a_sentence():
    missing = sorted(console_codes() - set(SENTENCES))
    assert missing == []
    for code, text in SENTENCES.items():
        assert text.endswith(".") and "_" not in text, code  # a sentence, not a code


def test_an_unknown_code_never_reads_raw():
    assert sentence("some_new_code") == "The request was refused."


def test_the_training_card_shows_sentences_and_titles_not_codes_and_ids_to_an_agent(cast):
    client = Client()
    client.force_login(cast["sales"])
    html = client.get("/console/training-card/").content.decode()
    main = html.split('<main id="main"', 1)[1]
    for code in console_codes():
        assert f"<code>{code}</code>" not in main and f">{code}<" not in main, code
    assert SENTENCES["followup_limit"] in main
    assert not re.search(r'<th scope="row"[^>]*>D\d+ ', main)  # no "D3 …" rule ids
    assert 'title="followup_limit"' not in main  # no codes for agents, not even in tooltips


def test_supervisors_get_the_code_in_a_tooltip(cast):
    client = Client()
    client.force_login(cast["supervisor"])
    html = client.get("/console/training-card/").content.decode()
    assert (
        f'<span title="followup_limit" data-code="followup_limit">{SENTENCES["followup_limit"]}'
        in html
    )
