"""One permission layer for the console and the API (SPEC §1, S1).

Each role is granted a set of capabilities. Views and endpoints ask
``require(user, Perm.X)``; nothing else decides who may do what. Object-level
rules (a vendor sees only its own orders) live in the owning app's selectors
and use these capabilities as their first gate.
"""

from __future__ import annotations

from enum import StrEnum
from functools import wraps

from orderdesk.accounts.choices import Role
from orderdesk.core.errors import Forbidden, Unauthenticated
from orderdesk.core.language import english


class Perm(StrEnum):
    CONSOLE = "console.use"  # sign in to the web console
    CATALOG_VIEW = "catalog.view"  # models, questions, serviceability, quotes
    CATALOG_MANAGE = "catalog.manage"  # prices, models, questionnaires
    SERVICE_AREAS_VIEW = "service_areas.view"  # cities, pincodes, vendors, slot capacity
    SERVICE_AREAS_MANAGE = "service_areas.manage"
    CUSTOMERS_VIEW = "customers.view"
    CUSTOMERS_EDIT = "customers.edit"
    CONTACT_REVEAL = "customers.reveal_contact"  # S2: show a full phone number (audited)
    LEADS_WORK = "leads.work"  # queue, calls, dispositions, follow-ups
    ORDERS_CREATE_MANUAL = "orders.create_manual"  # agent-assisted orders (M1-M5)
    ORDERS_CREATE_SELF = "orders.create_self"  # the customer's own order through the app
    ORDERS_VIEW = "orders.view"
    ORDERS_OVERRIDE_DUPLICATE = "orders.override_duplicate"  # X1's supervisor override (issue 15)
    ORDERS_OPERATE = "orders.operate"  # vendor, slot, pickup, inspection, payment, cancellation
    ORDERS_VENDOR = "orders.vendor"  # a vendor's own pickups
    TICKETS_WORK = "tickets.work"
    ESCALATIONS = "tickets.escalations"
    KPIS_VIEW = "kpis.view"
    AUDITS_RUN = "audits.run"  # audit agents' work, record errors (M8)
    AGENTS_MANAGE = "agents.manage"  # restore restricted agents
    AUDIT_LOG_VIEW = "audit_log.view"
    USERS_MANAGE = "users.manage"
    SETTINGS_MANAGE = "settings.manage"  # SOP settings: dispositions, contact policy, SLAs
    MESSAGES_OPERATE = "messages.operate"  # see failed messages, retry them
    CUSTOMER_DATA_RIGHTS = "customers.data_rights"  # S4: export a customer's data, erase it
    LEADS_IMPORT = "leads.import"  # upload campaign lists into leads (issue 10)
    DATA_EXPORT = "data.export"  # CSV exports of leads and orders, masked and audited (S2)
    WHATSAPP_INBOX = "whatsapp.inbox"  # read WhatsApp conversations and reply (issue 19)
    LEADS_START = "leads.start"  # start a lead for a number that wrote in on WhatsApp (issue 19)
    CALLS_MAKE = "calls.make"  # click-to-call through the telephony provider (issue 16)
    CALLS_LISTEN = "calls.listen"  # play a call recording (audited); agents: their own calls
    CALLS_ALL = "calls.all"  # every agent's calls and recordings; the wallboard
    WEBHOOKS_MANAGE = "webhooks.manage"  # register integrators' endpoints, replay (issue 20)
    OWN_WORK = "kpis.own_work"  # an agent's own scorecard, audits and M8 errors (issue 15, 14)


_EVERY_AGENT = {Perm.CONSOLE, Perm.CATALOG_VIEW, Perm.SERVICE_AREAS_VIEW, Perm.CUSTOMERS_VIEW}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.SALES: frozenset(
        _EVERY_AGENT
        | {
            Perm.CUSTOMERS_EDIT,
            Perm.CONTACT_REVEAL,
            Perm.LEADS_WORK,
            Perm.LEADS_START,
            Perm.ORDERS_CREATE_MANUAL,
            Perm.ORDERS_VIEW,
            Perm.CALLS_MAKE,
            Perm.CALLS_LISTEN,
            Perm.OWN_WORK,
        }
    ),
    Role.CX: frozenset(
        _EVERY_AGENT
        | {
            Perm.CUSTOMERS_EDIT,
            Perm.CONTACT_REVEAL,
            Perm.ORDERS_CREATE_MANUAL,
            Perm.ORDERS_VIEW,
            Perm.TICKETS_WORK,
            Perm.WHATSAPP_INBOX,
            Perm.LEADS_START,
            Perm.CALLS_MAKE,
            Perm.CALLS_LISTEN,
            Perm.OWN_WORK,
        }
    ),
    Role.OPS: frozenset(
        _EVERY_AGENT
        | {Perm.ORDERS_VIEW, Perm.ORDERS_OPERATE, Perm.MESSAGES_OPERATE, Perm.CONTACT_REVEAL}
    ),
    Role.SUPERVISOR: frozenset(
        _EVERY_AGENT
        | {
            Perm.ORDERS_VIEW,
            Perm.ORDERS_OVERRIDE_DUPLICATE,
            Perm.CONTACT_REVEAL,  # with a written reason (flows.contact_reveal)
            Perm.ESCALATIONS,
            Perm.WHATSAPP_INBOX,
            Perm.LEADS_START,
            Perm.KPIS_VIEW,
            Perm.AUDITS_RUN,
            Perm.AGENTS_MANAGE,
            Perm.AUDIT_LOG_VIEW,
            Perm.LEADS_IMPORT,
            Perm.DATA_EXPORT,
            Perm.CALLS_LISTEN,
            Perm.CALLS_ALL,
        }
    ),
    Role.ADMIN: frozenset(
        _EVERY_AGENT
        | {
            Perm.CATALOG_MANAGE,
            Perm.SERVICE_AREAS_MANAGE,
            Perm.USERS_MANAGE,
            Perm.SETTINGS_MANAGE,
            Perm.AUDIT_LOG_VIEW,
            Perm.CUSTOMER_DATA_RIGHTS,
            Perm.LEADS_IMPORT,
            Perm.WEBHOOKS_MANAGE,
        }
    ),
    Role.APP: frozenset({Perm.CATALOG_VIEW, Perm.ORDERS_CREATE_SELF}),
    Role.VENDOR: frozenset({Perm.CATALOG_VIEW, Perm.ORDERS_VENDOR}),
}


def permissions_of(user) -> frozenset[Perm]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return ROLE_PERMISSIONS.get(user.role, frozenset())


def has_perm(user, perm: Perm) -> bool:
    return perm in permissions_of(user)


def require(user, perm: Perm) -> None:
    """Raise unless ``user`` holds ``perm`` (401 when nobody is signed in, 403 otherwise)."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise Unauthenticated("Sign in first.", code="not_authenticated")
    if perm not in permissions_of(user):
        raise Forbidden(
            f"Your role ({english(Role(user.role).label) if user.role else '—'}) may not do this "
            f"({perm.value}).",
            code="forbidden",
            extra={"permission": perm.value},
        )


def requires(perm: Perm):
    """Console view decorator: redirect anonymous users to sign in, refuse other roles with 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            from django.contrib.auth.views import redirect_to_login
            from django.template.response import TemplateResponse

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_perm(request.user, perm):
                return TemplateResponse(
                    request,
                    "console/forbidden.html",
                    {"permission": perm.value},
                    status=403,
                )
            return view(request, *args, **kwargs)

        wrapped.required_permission = perm
        return wrapped

    return decorator
