"""The CSAT survey page follows the customer's language (issue 18, "Hindi in the console"),
whoever opens it: a Hindi-speaking customer reads Hindi, an English-speaking one English,
even in a Hindi agent's browser."""

import pytest
from django.test import Client

from orderdesk.cx.actions import csat_token, record_action
from orderdesk.cx.models import CsatSurvey

from .conftest import steps

pytestmark = pytest.mark.django_db


def survey_url(cast, ticket) -> str:
    steps(ticket, cast["cx"], "listen", "apologise", "act")
    record_action(ticket, kind="resolve", actor=cast["cx"], text="Slot rebooked and confirmed")
    return f"/console/csat/{csat_token(CsatSurvey.objects.get(ticket=ticket))}/"


def with_language(ticket, language: str):
    ticket.customer.language = language
    ticket.customer.save(update_fields=["language"])
    return ticket


def test_a_hindi_customers_survey_is_in_hindi(cast, open_ticket_for):
    url = survey_url(cast, with_language(open_ticket_for("complaint"), "hi"))
    page = Client().get(url)
    html = page.content.decode()
    assert page.status_code == 200 and '<html lang="hi">' in html
    assert "रेटिंग भेजें" in html and "बहुत संतुष्ट" in html  # the button, a score's label
    assert "Send my rating" not in html
    done = Client().post(url, {"score": "4"}).content.decode()
    assert "4 में से 5" not in done and "5 में से 4" in done


def test_an_english_customers_survey_stays_english_even_for_a_hindi_agent(cast, open_ticket_for):
    url = survey_url(cast, with_language(open_ticket_for("complaint"), "en"))
    cast["cx"].language = "hi"
    cast["cx"].save(update_fields=["language"])
    agent = Client()
    agent.force_login(cast["cx"])
    html = agent.get(url).content.decode()
    assert '<html lang="en-IN">' in html and "Send my rating" in html
    assert "Very satisfied" in html and "रेटिंग भेजें" not in html
