"""C3: resolution notifies the customer and sends a CSAT survey (1-5) with a link and a reply
code; answers are stored once per ticket with the agent and team at rating time; FCR."""

import datetime as dt

import pytest
from django.test import Client

from orderdesk.accounts.models import Team
from orderdesk.core.errors import DomainError
from orderdesk.cx.actions import (
    answer_csat_by_reply,
    answer_csat_by_token,
    csat_token,
    record_action,
)
from orderdesk.cx.models import CsatSurvey, Ticket
from orderdesk.messaging.models import Message

from .conftest import at, snapshot, steps


def resolve(ticket, agent, now=None):
    steps(ticket, agent, "listen", "apologise", "act", now=now)
    return record_action(
        ticket, kind="resolve", actor=agent, text="New pickup slot booked and confirmed", now=now
    )


def test_c3_resolving_notifies_the_customer_and_sends_the_csat_survey(cast, open_ticket_for):
    ticket = open_ticket_for("complaint")
    resolve(ticket, cast["cx"])
    kinds = sorted(
        Message.objects.filter(customer=ticket.customer).values_list("kind_id", flat=True)
    )
    assert kinds == ["csat_survey", "ticket_resolved"]
    survey = CsatSurvey.objects.get(ticket=ticket)
    body = Message.objects.get(kind_id="csat_survey").body
    assert f"/console/csat/{csat_token(survey)}/" in body
    assert survey.reply_code in body
    assert f"TKT-{ticket.pk:06d}" in body


def test_c3_csat_stored_once_per_ticket(cast, open_ticket_for):
    team = Team.objects.create(name="CX North")
    cast["cx"].team = team
    cast["cx"].save()
    ticket = open_ticket_for("complaint")
    resolve(ticket, cast["cx"])
    token = csat_token(CsatSurvey.objects.get(ticket=ticket))
    survey = answer_csat_by_token(token, score=4, comment="Quick and polite")
    assert (survey.score, survey.answered_via, survey.agent, survey.team) == (
        4,
        "link",
        cast["cx"],
        team,
    )
    # the agent moves team afterwards: the answer keeps the team at rating time
    cast["cx"].team = Team.objects.create(name="CX South")
    cast["cx"].save()
    before = snapshot(ticket)
    with pytest.raises(DomainError) as info:
        answer_csat_by_token(token, score=1)
    assert (info.value.code, info.value.status) == ("csat_already_answered", 409)
    with pytest.raises(DomainError):
        answer_csat_by_reply(phone="98765 43210", text=f"2 {survey.reply_code}")
    assert snapshot(ticket) == before
    assert CsatSurvey.objects.get(ticket=ticket).team == team


def test_c3_reopen_and_resolve_again_sends_no_second_survey(cast, open_ticket_for):
    ticket = open_ticket_for("complaint")
    resolve(ticket, cast["cx"])
    record_action(ticket, kind="reopen", actor=cast["cx"], text="Partner missed the new slot too")
    resolve(ticket, cast["cx"])
    assert CsatSurvey.objects.filter(ticket=ticket).count() == 1
    assert Message.objects.filter(kind_id="csat_survey").count() == 1
    assert Message.objects.filter(kind_id="ticket_resolved").count() == 2


def test_c3_csat_by_reply_code_must_come_from_the_customers_phone(cast, open_ticket_for):
    ticket = open_ticket_for("complaint")
    resolve(ticket, cast["cx"])
    code = CsatSurvey.objects.get(ticket=ticket).reply_code
    before = snapshot(ticket)
    with pytest.raises(DomainError) as info:
        answer_csat_by_reply(phone="+919000000001", text=f"5 {code}")
    assert info.value.code == "csat_code_unknown"
    with pytest.raises(DomainError) as info:
        answer_csat_by_reply(phone="+919876543210", text="five stars")
    assert info.value.code == "csat_reply_unreadable"
    assert snapshot(ticket) == before
    survey = answer_csat_by_reply(phone="+91 98765 43210", text=f"{code.lower()} 5")
    assert (survey.score, survey.answered_via) == (5, "reply")


def test_c3_a_forged_or_expired_link_is_refused(cast, open_ticket_for):
    ticket = open_ticket_for("complaint")
    resolve(ticket, cast["cx"], now=at(1))
    survey = CsatSurvey.objects.get(ticket=ticket)
    forged = f"{survey.pk}.{survey.nonce}:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    with pytest.raises(DomainError) as info:
        answer_csat_by_token(forged, score=5)
    assert info.value.code == "csat_link_invalid"
    CsatSurvey.objects.filter(pk=survey.pk).update(expires_at=at(2))  # long gone by now
    with pytest.raises(DomainError) as info:
        answer_csat_by_token(csat_token(survey), score=5)
    assert info.value.code == "csat_expired"
    assert CsatSurvey.objects.get(pk=survey.pk).score is None


def test_c3_the_customers_page_asks_on_get_and_stores_on_post(cast, open_ticket_for):
    ticket = open_ticket_for("complaint")
    resolve(ticket, cast["cx"])
    url = f"/console/csat/{csat_token(CsatSurvey.objects.get(ticket=ticket))}/"
    browser = Client()
    page = browser.get(url)
    assert page.status_code == 200 and b"Send my rating" in page.content
    assert (
        CsatSurvey.objects.get(ticket=ticket).score is None
    )  # a GET (link preview) stores nothing
    done = browser.post(url, {"score": "5", "comment": "Great"})
    assert done.status_code == 200 and b"5 of 5" in done.content
    again = browser.post(url, {"score": "1"})
    assert again.status_code == 409 and b"5 of 5" in again.content  # the first answer stands
    assert CsatSurvey.objects.get(ticket=ticket).score == 5
    assert browser.get("/console/csat/nonsense/").status_code == 404


def test_c3_fcr_on_a_clean_first_contact(cast, open_ticket_for):
    ticket = open_ticket_for("complaint")
    resolve(ticket, cast["cx"])
    assert Ticket.objects.get(pk=ticket.pk).fcr is True


def test_c3_reopen_removes_fcr(cast, open_ticket_for):
    ticket = open_ticket_for("complaint")
    resolve(ticket, cast["cx"])
    record_action(ticket, kind="reopen", actor=cast["cx"], text="Partner missed the new slot too")
    assert Ticket.objects.get(pk=ticket.pk).fcr is False
    resolve(ticket, cast["cx"])
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.fcr, fresh.reopened_count, fresh.round) == (False, 1, 2)


def test_c3_waiting_or_escalation_means_no_fcr(cast, open_ticket_for):
    waited = open_ticket_for("complaint")
    steps(waited, cast["cx"], "listen")
    record_action(
        waited, kind="wait", actor=cast["cx"], text="Asked for the order confirmation SMS"
    )
    resolve(waited, cast["cx"])
    escalated = open_ticket_for("complaint")
    record_action(
        escalated, kind="escalate", actor=cast["cx"], text="Customer asks for a manager directly"
    )
    resolve(escalated, cast["cx"])
    assert list(
        Ticket.objects.filter(pk__in=[waited.pk, escalated.pk]).values_list("fcr", flat=True)
    ) == [False, False]


def test_c3_post_resolution_follow_up_when_the_type_calls_for_it(cast, open_ticket_for):
    from orderdesk.cx.selectors import follow_ups_due

    inquiry = open_ticket_for("inquiry")
    steps(inquiry, cast["cx"], "listen", "act", now=at(1))
    record_action(
        inquiry,
        kind="resolve",
        actor=cast["cx"],
        text="Explained the inspection process",
        now=at(1),
    )
    complaint = open_ticket_for("complaint")
    resolve(complaint, cast["cx"], now=at(2))
    assert Ticket.objects.get(pk=inquiry.pk).follow_up_due_at is None
    assert Ticket.objects.get(pk=complaint.pk).follow_up_due_at == at(2) + dt.timedelta(hours=24)
    assert list(follow_ups_due(cast["cx"], now=at(2) + dt.timedelta(hours=25))) == [
        Ticket.objects.get(pk=complaint.pk)
    ]
    record_action(
        complaint,
        kind="follow_up",
        actor=cast["cx"],
        outcome="not_fixed",
        text="Customer says the partner did not come again",
        now=at(2000),
    )
    fresh = Ticket.objects.get(pk=complaint.pk)
    assert (fresh.status, fresh.follow_up_outcome, fresh.fcr) == ("reopened", "not_fixed", False)
