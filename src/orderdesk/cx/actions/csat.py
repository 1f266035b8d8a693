"""C3: the CSAT survey's link and reply code, and the customer's answer."""

from __future__ import annotations

import secrets

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from orderdesk.core import audit
from orderdesk.core.errors import Conflict, NotFound, ValidationFailed
from orderdesk.core.phones import normalise_phone
from orderdesk.cx import rules
from orderdesk.cx.choices import (
    ActionKind,
    TicketStatus,
)
from orderdesk.cx.conf import conf
from orderdesk.cx.models import CsatSurvey

CSAT_SALT = "orderdesk.cx.csat"

S = TicketStatus
K = ActionKind


def csat_token(survey: CsatSurvey) -> str:
    """The one-time link's token: the survey id and its random nonce, signed with SECRET_KEY."""
    return signing.Signer(salt=CSAT_SALT).sign(f"{survey.pk}.{survey.nonce}")


def csat_url(survey: CsatSurvey) -> str:
    """The survey's public link (``conf().public_url`` + the console's CSAT page)."""
    return conf().public_url + reverse("console:csat_answer", args=[csat_token(survey)])


def survey_for_token(token: str) -> CsatSurvey:
    """The survey a link names, or 404 ``csat_link_invalid`` for a forged or mangled token."""
    try:
        value = signing.Signer(salt=CSAT_SALT).unsign(token)
        pk, nonce = value.split(".", 1)
        return CsatSurvey.objects.select_related("ticket__customer").get(pk=int(pk), nonce=nonce)
    except (signing.BadSignature, ValueError, CsatSurvey.DoesNotExist):
        raise NotFound(
            "This survey link is not valid.", code="csat_link_invalid", field="token"
        ) from None


def fresh_reply_code() -> str:
    """A survey reply code no other survey holds (C3: "4 K7M2QX")."""
    for _ in range(10):
        code = "".join(
            secrets.choice(rules.REPLY_CODE_ALPHABET) for _ in range(rules.REPLY_CODE_LENGTH)
        )
        if not CsatSurvey.objects.filter(reply_code=code).exists():
            return code
    raise Conflict("Could not allot a survey reply code; try again.", code="reply_code_exhausted")


@transaction.atomic
def answer_csat(survey: CsatSurvey, *, score, via: str, comment: str = "", now=None) -> CsatSurvey:
    """C3: store the customer's answer, once per ticket, with the agent and team at rating time.

    The conditional UPDATE on ``score IS NULL`` decides between two answers at the same
    instant: exactly one is stored; the other gets 409 ``csat_already_answered``.
    """
    now = now or timezone.now()
    if not rules.valid_score(score):
        raise ValidationFailed(
            "The rating is a whole number from 1 to 5.", code="csat_score_invalid", field="score"
        )
    if survey.expires_at <= now and survey.score is None:
        raise Conflict("This survey has expired.", code="csat_expired", field="token")
    ticket = survey.ticket
    agent = ticket.resolved_by or ticket.assignee
    team_id = agent.team_id if agent is not None else None
    updated = CsatSurvey.objects.filter(pk=survey.pk, score__isnull=True).update(
        score=score,
        comment=(comment or "").strip()[:500],
        answered_at=now,
        answered_via=via,
        agent=agent,
        team_id=team_id,
    )
    if updated != 1:
        raise Conflict(
            "This survey was already answered: thank you, one answer per ticket is kept.",
            code="csat_already_answered",
            field="score",
        )
    survey.refresh_from_db()
    audit.record(
        "csat.answer",
        survey,
        after={
            "ticket": ticket.pk,
            "score": score,
            "via": via,
            "agent": survey.agent_id,
            "team": team_id,
        },
        actor=None,
    )
    return survey


def answer_csat_by_token(token: str, *, score, comment: str = "") -> CsatSurvey:
    return answer_csat(survey_for_token(token), score=score, via="link", comment=comment)


def answer_csat_by_reply(*, phone: str, text: str) -> CsatSurvey:
    """C3: a customer's SMS/WhatsApp reply ("4 K7M2QX"), relayed by the gateway or an agent.
    The code must belong to a survey sent to that phone."""
    parsed = rules.parse_csat_reply(text)
    if parsed is None:
        raise ValidationFailed(
            "A reply is the rating (1-5) and the survey's code, e.g. '4 K7M2QX'.",
            code="csat_reply_unreadable",
            field="text",
        )
    score, code = parsed
    e164 = normalise_phone(phone)
    survey = (
        CsatSurvey.objects.select_related("ticket__customer")
        .filter(reply_code=code, ticket__customer__phone=e164)
        .first()
    )
    if survey is None:
        raise NotFound(
            "No survey with that code was sent to this phone.",
            code="csat_code_unknown",
            field="text",
        )
    return answer_csat(survey, score=score, via="reply")
