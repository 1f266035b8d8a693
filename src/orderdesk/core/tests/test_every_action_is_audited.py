"""S3: every public function of every app's write modules writes its audit events.

The walk finds every public function in ``<app>/actions.py`` (and
``orders/lifecycle.py``, the order's life) and requires each to be either

- in ``WRITES``: exercised here, and asserted to write exactly the audit events
  listed (by action name, in order) — one for most writes, more where one call
  changes several records (an order creation books a slot and creates the
  customer), or
- in ``NOT_WRITES``: a read or helper, with the reason.

A new public function in an ``actions.py`` fails ``test_every_public_action_is_listed``
until it is added to one of the two.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
from types import SimpleNamespace

import pytest
import time_machine

from orderdesk.core.models import AuditEvent
from orderdesk.testing.factories import confirmation_ctx

WRITE_MODULES = (
    "orderdesk.accounts.actions",
    "orderdesk.catalog.actions",
    "orderdesk.customers.actions",
    "orderdesk.leads.actions",
    "orderdesk.leads.imports",  # lead imports: the job and its run (issue 10)
    "orderdesk.orders.actions",
    "orderdesk.orders.lifecycle",
    "orderdesk.cx.actions.opening",  # cx/actions/ is a package, one module per noun
    "orderdesk.cx.actions.steps",
    "orderdesk.cx.actions.status",
    "orderdesk.cx.actions.escalation",
    "orderdesk.cx.actions.resolution",
    "orderdesk.cx.actions.order_not_found",
    "orderdesk.cx.actions.csat",
    "orderdesk.cx.sla",
    "orderdesk.messaging.actions",
    "orderdesk.flows.contacts",  # the workflows that cross apps (docs/architecture.md)
    "orderdesk.flows.tickets",
    "orderdesk.flows.disputes",
    "orderdesk.flows.order_not_found",
    "orderdesk.flows.orders",
    "orderdesk.flows.phone_codes",  # the one-time code, storefront's and the app's (issue 21, 10)
    "orderdesk.telephony.actions",  # calls (issue 16)
    "orderdesk.leads.calls",  # calls on leads (issue 16)
    "orderdesk.flows.calls",  # click-to-call across leads, orders and telephony (issue 16)
    "orderdesk.storefront.actions",  # the customer's own door (issue 19)
    "orderdesk.webhooks.actions",  # outbound webhooks (issue 20)
)

NOT_WRITES: dict[str, str] = {
    "accounts.actions.user_for_token": "a read; it stamps the token's last_used_at (bookkeeping)",
    "accounts.actions.live_token": "a read; it stamps the token's last_used_at (bookkeeping)",
    "catalog.actions.price_for": "pure pricing",
    "catalog.actions.active_variant": "a read",
    "leads.actions.current_policy": "a read",
    "leads.actions.quote_context": "a read: what the Waiting for Quote message says",
    "flows.contacts.pickup_orders": "a read: the customer's open orders D6 reads out",
    "flows.contacts.verified_order_number": "a check: D6's order ID or confirmed pickup",
    "leads.actions.mark_notifications_read": "the reader's own inbox state, not a record change",
    "leads.imports.parse_source": "parses a cell",
    "leads.imports.file_format": "a check on the file's name",
    "leads.imports.count_rows": "a read of the file",
    "leads.imports.sha256_of": "a digest",
    "leads.imports.import_key": "builds a key",
    "leads.imports.previous_import_of_same_file": "a read",
    "leads.imports.error_report_rows": "a read (the error report's rows)",
    "orders.actions.check_agent_allowed": "a check (raises or returns)",
    "orders.actions.check_may_record_agent_error": "a check (raises or returns)",
    "customers.actions.check_data_rights": "a check (raises or returns)",
    "leads.actions.check_lead_may_order": "a check (returns the lead or raises)",
    "orders.actions.gate_problems": "a check (M2/M3 pre-checks)",
    "orders.actions.resolve_items": "resolves the request's devices and prices (reads only)",
    "orders.actions.confirmation_context": "builds a message's context",
    "orders.actions.payment_mode_text": "words for a message (a read)",
    "orders.actions.feedback_token": "signs a token",
    "orders.actions.feedback_url": "builds a URL",
    "orders.actions.feedback_for_token": "a read (the feedback a link names)",
    "catalog.actions.price_range": "a read (the variant's lowest and highest price)",
    # open_feedback writes the request row inside the completing transition, which is
    # audited as order.transition (tested in orders/tests/test_pickup_feedback.py).
    "orders.actions.open_feedback": "part of the audited completion (order.transition)",
    "orders.lifecycle.actor_role": "a read",
    "orders.lifecycle.history": "a read",
    "orders.lifecycle.allowed_for": "a read",
    "cx.actions.csat.csat_token": "signs a token",
    "cx.actions.csat.csat_url": "builds a URL",
    "cx.actions.csat.survey_for_token": "a read",
    "cx.actions.csat.fresh_reply_code": "a read (a reply code no survey holds yet)",
    "messaging.actions.canonical_number": "normalises an order number",
    "customers.actions.register_preference_hook": "registers a hook at start-up",
    "customers.actions.register_erasure_hook": "registers a hook at start-up",
    "messaging.actions.consent_from_preferences": "a hook inside customers.update_preferences: "
    "its ledger row is that call's customer.update_preferences event (whatsapp_opt_in before/after)",
    "webhooks.actions.check_url": "a check: refuses or returns the URL, writes nothing",
    "webhooks.actions.on_domain_event": "the core.events listener: writes outbox rows inside "
    "the change's transaction, whose own action writes the audit event (order.create, ...)",
    "messaging.actions.erase_whatsapp_data": "a hook inside the erasure: its counts are in that "
    "call's customer.erase / customer.anonymise event",
    # Telephony: what people do is audited (call.start, presence.set, the recording's listening
    # and deletion); what the provider reports is kept as CallEvent rows, the call's own history
    # (as OrderEvent is the order's), one per provider event.
    "telephony.actions.take_rate_slot": "a counter of provider requests (bookkeeping)",
    "telephony.actions.webhook_url": "builds a URL",
    "telephony.actions.dial": "stores the provider's call id on a call whose start was audited",
    "telephony.actions.store_events": "stores the provider's callbacks (CallEvent: the history)",
    "telephony.actions.process_event": "applies a stored CallEvent (the event is the record)",
    "telephony.actions.apply_event": "applies a stored CallEvent (the event is the record)",
    "telephony.actions.reconcile": "applies stored CallEvents",
    "telephony.actions.poll_stale_calls": "stores and applies the provider's answer as CallEvents",
    "telephony.actions.copy_recording": "copies the provider's file (listening and deletion are "
    "audited)",
    "telephony.actions.claim_call_for_contact": "a check (raises or returns the locked call)",
    "telephony.actions.link_contact": "inside log_contact, which audits contact.log",
    "telephony.actions.assign_callback": "the system gives a missed call's callback an owner",
    "telephony.actions.attach_customer": "inside lead_from_call, which audits the lead",
    "leads.calls.dial_refusal": "a check (the contact rules before dialing)",
    "leads.calls.missed_call_owner": "the system gives a missed call's callback an owner",
    "leads.calls.lock_for_dial": "a check under the lead's lock (raises or returns the lead)",
    "leads.calls.customer_refusal": "a check (D9 on the customer)",
    "leads.calls.refuse": "raises the refusal",
    "leads.calls.record_dial_refusal": "keeps a refused dial for the supervisor, as log_contact",
    "flows.calls.lead_of_order": "a read",
    "storefront.actions.conf": "reads settings",
}

T0 = dt.datetime(2026, 11, 20, 5, 30, tzinfo=dt.UTC)  # 11:00 IST, a weekday in calling hours


class Kit:
    """Lazily built records for the scenarios, the way the product builds them."""

    def __init__(self, cast, catalog):
        self.cast, self.catalog = cast, catalog

    def customer(self, phone="9876543210", name="Asha Rao"):
        from orderdesk.customers.actions import get_or_create_customer

        return get_or_create_customer(name=name, phone=phone)[0]

    def request(self, phone="9876543210", **changes):
        from orderdesk.testing.factories import agent_order_request

        return agent_order_request(self.catalog, customer_phone=phone, **changes)

    def order(self, phone="9876543210"):
        from orderdesk.orders.actions import create_order

        return create_order(self.request(phone), actor=self.cast["sales"], channel="agent")

    def cancelled_then_again(self):
        """Asha's order, cancelled, and the same order placed again (X4 marks it a duplicate)."""
        from orderdesk.orders.lifecycle import transition

        first = self.order()
        transition(first, "cancelled", actor=self.cast["ops"], reason="customer_request")
        return first, self.order()

    def other_vendor(self):
        from orderdesk.catalog.models import Vendor

        vendor = Vendor.objects.create(
            name="Other Vendor", phone="+919800000002", city=self.catalog["city"]
        )
        vendor.pincodes.add(self.catalog["served"])
        return vendor

    def moved(self, *statuses, **last_inputs):
        from orderdesk.orders.lifecycle import transition

        order = self.order()
        for i, to in enumerate(statuses):
            inputs = last_inputs if i == len(statuses) - 1 else {}
            order = transition(order, to, actor=self.cast["ops"], **inputs)
        return order

    def inspected(self):
        return self.moved(
            "vendor_assigned",
            "pickup_scheduled",
            "out_for_pickup",
            "inspected",
            final_price=38000,
            notes="Back glass cracked",
        )

    def lead(self, owner="sales", phone="9876500001"):
        from orderdesk.leads.actions import create_lead

        return create_lead(
            customer=self.customer(phone, "Ravi Kumar"), source="app_quote", owner=self.cast[owner]
        )[0]

    def ticket(self, type="complaint", **extra):
        from orderdesk.cx.actions import open_ticket

        extra.setdefault("customer", self.customer())
        return open_ticket(
            type=type, created_by=self.cast["cx"], assignee=self.cast["cx"], now=T0, **extra
        )

    def heard(self, ticket, *kinds):
        from orderdesk.cx.actions import record_action

        words = {
            "listen": "Customer says the pickup partner never came yesterday",
            "apologise": "Sorry for the inconvenience this caused you",
            "act": "Booked a new slot for tomorrow morning and told the customer",
        }
        for kind in kinds:
            record_action(ticket, kind=kind, actor=self.cast["cx"], text=words[kind], now=T0)
        return ticket

    def resolved(self):
        from orderdesk.cx.actions import resolve_ticket

        ticket = self.heard(self.ticket(), "listen", "apologise", "act")
        resolve_ticket(
            ticket, actor=self.cast["cx"], text="Customer confirmed the new slot", now=T0
        )
        return ticket

    def survey(self):
        from orderdesk.cx.models import CsatSurvey

        return CsatSurvey.objects.get(ticket=self.resolved())


def in_survey_window(fn):
    """Run ``fn`` an hour after T0: the surveys are sent at T0 and valid 14 days, so answering
    them on the real clock fails once T0 is more than 14 days ago (it did from 4 Dec 2026)."""

    def run():
        with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
            return fn()

    return run


# Each scenario: given(kit) -> when() ; expected audit actions in the order written.
def _s(given, *expected):
    return SimpleNamespace(given=given, expected=list(expected))


def _accounts():
    from orderdesk.accounts import actions as a
    from orderdesk.testing.factories import PASSWORD

    def revoke(k):
        _, token = a.issue_token(username="sita", password=PASSWORD)
        return lambda: a.revoke_token(token)

    def revoke_all(k):
        a.issue_token(username="sita", password=PASSWORD)
        return lambda: a.revoke_user_tokens(k.cast["sales"], actor=k.cast["admin"])

    return {
        "accounts.actions.revoke_user_tokens": _s(revoke_all, "token.revoke_all"),
        "accounts.actions.create_user": _s(
            lambda k: lambda: a.create_user(username="neha", password=PASSWORD, role="sales"),
            "user.create",
        ),
        "accounts.actions.change_password": _s(
            lambda k: lambda: a.change_password(k.cast["sales"], "another-long-passphrase"),
            "user.change_password",
        ),
        "accounts.actions.issue_token": _s(
            lambda k: lambda: a.issue_token(username="sita", password=PASSWORD), "token.issue"
        ),
        "accounts.actions.revoke_token": _s(revoke, "token.revoke"),
        "accounts.actions.set_language": _s(
            lambda k: lambda: a.set_language(k.cast["sales"], "hi"), "user.set_language"
        ),
    }


def _catalog():
    from orderdesk.catalog import actions as c

    def release(k):
        c.book_slot(k.catalog["morning"].pk)
        return lambda: c.release_slot(k.catalog["morning"].pk)

    return {
        "catalog.actions.create_quote": _s(
            lambda k: (
                lambda: c.create_quote(
                    variant_id=k.catalog["v128"].pk,
                    answers={"screen": "flawless", "body": "good"},
                    user=k.cast["sales"],  # anonymous quotes are counted, not audited
                )
            ),
            "quote.create",
        ),
        "catalog.actions.book_slot": _s(
            lambda k: lambda: c.book_slot(k.catalog["morning"].pk), "slot.book"
        ),
        "catalog.actions.release_slot": _s(release, "slot.release"),
    }


def _customers():
    from orderdesk.customers import actions as c

    return {
        "customers.actions.get_or_create_customer": _s(
            lambda k: lambda: c.get_or_create_customer(name="Asha Rao", phone="9876543210"),
            "customer.create",
        ),
        "customers.actions.update_preferences": _s(
            lambda k: (lambda cu: lambda: c.update_preferences(cu, whatsapp_opt_in=True))(
                k.customer()
            ),
            "customer.update_preferences",
        ),
        "customers.actions.add_address": _s(
            lambda k: (
                lambda cu: (
                    lambda: c.add_address(
                        cu, line1="14 MG Road", landmark="Metro", city="Bengaluru", pincode="560034"
                    )
                )
            )(k.customer()),
            "address.create",
        ),
        # S4: the customer's data export, erasure, and the retention job.
        "customers.actions.export_customer_data": _s(
            lambda k: (lambda cu: lambda: c.export_customer_data(cu))(k.customer()),
            "customer.export",
        ),
        "customers.actions.erase_customer": _s(
            lambda k: (lambda cu: lambda: c.erase_customer(cu))(k.customer()),
            "customer.erase",
        ),
        "customers.actions.anonymise_expired_customers": _s(
            lambda k: (
                lambda cu: (
                    lambda: c.anonymise_expired_customers(
                        now=cu.created_at + dt.timedelta(days=20 * 365)
                    )
                )
            )(k.customer()),
            "customer.anonymise",
        ),
    }


def _leads():
    from orderdesk.flows import contacts
    from orderdesk.leads import actions as la
    from orderdesk.leads.models import FollowUp

    def inbound(lead, k, disposition="waiting_for_quote", **kw):
        return la.log_contact(
            lead,
            agent=k.cast["sales"],
            channel="call",
            direction="inbound",
            connected=True,
            disposition=disposition,
            notes="Customer wants a quote for the 256 GB model first",
            now=T0,
            **kw,
        )

    def with_follow_up(k):
        lead = k.lead()
        inbound(
            lead,
            k,
            "will_place_order",
            follow_up_at=T0 + dt.timedelta(hours=4),
            follow_up_permission=True,
        )
        return lead

    def schedule(k):
        lead = k.lead()
        inbound(lead, k, "will_place_order")
        return lambda: la.schedule_follow_up(
            lead, agent=k.cast["sales"], at=T0 + dt.timedelta(hours=4), permission=True, now=T0
        )

    def missed(k):
        lead = with_follow_up(k)
        fu = FollowUp.objects.get(lead=lead)
        return lambda: la.mark_follow_up_missed(fu, now=T0 + dt.timedelta(days=3))

    def missed_all(k):
        with_follow_up(k)
        return lambda: la.mark_missed_follow_ups(now=T0 + dt.timedelta(days=3))

    def order_created(k):
        from orderdesk.leads.tests.conftest import fake_order

        lead = k.lead()
        return lambda: la.record_order_created(fake_order(lead.customer))

    def settle(k):
        lead = k.lead()
        contacts.log_contact(
            lead,
            agent=k.cast["sales"],
            channel="call",
            direction="inbound",
            connected=True,
            disposition="already_ordered",
            notes="Customer says she placed the order in the app yesterday",
            now=T0,
        )
        return lambda: la.settle_order_not_found(lead, actor=k.cast["cx"], now=T0)

    return {
        "leads.actions.create_lead": _s(
            lambda k: (lambda cu: lambda: la.create_lead(customer=cu, source="app_quote"))(
                k.customer()
            ),
            "lead.create",
        ),
        "leads.actions.log_contact": _s(
            lambda k: (lambda lead: lambda: inbound(lead, k))(k.lead()),
            "contact.log",
            "lead.update",
        ),
        "leads.actions.schedule_follow_up": _s(schedule, "followup.schedule", "lead.update"),
        "leads.actions.close_politely": _s(
            lambda k: (
                lambda lead: (
                    lambda: la.close_politely(
                        lead, agent=k.cast["sales"], notes="Customer decided to keep it", now=T0
                    )
                )
            )(k.lead()),
            "lead.close_politely",
        ),
        "leads.actions.mark_follow_up_missed": _s(missed, "followup.missed"),
        "leads.actions.mark_missed_follow_ups": _s(missed_all, "followup.missed"),
        "leads.actions.settle_order_not_found": _s(settle, "lead.order_not_found_settled"),
        "leads.actions.record_order_created": _s(order_created, "lead.customer_ordered"),
        # Another agent's lead opened for the customer's inbound call, telephony off.
        "leads.actions.open_lead": _s(
            lambda k: (lambda lead: lambda: la.open_lead(k.cast["sales2"], lead.pk, inbound=True))(
                k.lead()
            ),
            "lead.inbound_read",
        ),
    }


def _imports():
    from orderdesk.leads import imports as li

    csv = b"name,phone,device\nPriya Shah,9812300001,iPhone 15 128 GB\nNo Phone,12345,\n"

    def job(k):
        return li.create_import_job(
            file_name="diwali.csv", data=csv, campaign="Diwali", actor=k.cast["supervisor"]
        )

    return {
        "leads.imports.create_import_job": _s(lambda k: lambda: job(k), "lead_import.create"),
        "leads.imports.run_import": _s(
            lambda k: (lambda j: lambda: li.run_import(j))(job(k)), "lead_import.finish"
        ),
    }


def _orders():
    from orderdesk.orders import actions as oa
    from orderdesk.orders import lifecycle as lc

    def error(k):
        order = k.order()
        return lambda: oa.record_agent_error(
            order=order,
            kind="wrong_condition",
            notes="screen was cracked",
            recorded_by=k.cast["ops"],
        )

    def restore(k):
        order = k.order()
        for _ in range(3):
            oa.record_agent_error(
                order=order, kind="wrong_condition", notes="screen", recorded_by=k.cast["ops"]
            )
        return lambda: oa.restore_agent(
            agent=k.cast["sales"], restored_by=k.cast["supervisor"], reason="Retrained on Monday"
        )

    def on(order_fn, call):
        return lambda k: (lambda o: lambda: call(k, o))(order_fn(k))

    ops = lambda k: k.cast["ops"]  # noqa: E731
    return {
        "orders.actions.create_order": _s(
            lambda k: lambda: oa.create_order(k.request(), actor=k.cast["sales"], channel="agent"),
            "customer.create",
            "address.create",
            "slot.book",
            "order.create",
            "message.enqueue",
        ),
        "orders.actions.record_agent_error": _s(error, "agent_error.record"),
        # issue 15, 12: the customer's answer to the pickup feedback request
        "orders.actions.answer_feedback": _s(
            on(
                Kit.order,
                lambda k, o: oa.answer_feedback(oa.open_feedback(o), score=5, via="reply"),
            ),
            "order.feedback",
        ),
        "orders.actions.answer_feedback_by_reply": _s(
            lambda k: (
                lambda o, f: (
                    lambda: oa.answer_feedback_by_reply(
                        phone=o.customer.phone, text=f"4 {f.reply_code}"
                    )
                )
            )(*(lambda o: (o, oa.open_feedback(o)))(k.order())),
            "order.feedback",
        ),
        "orders.actions.answer_feedback_by_token": _s(
            lambda k: (
                lambda f: lambda: oa.answer_feedback_by_token(oa.feedback_token(f), score=3)
            )(oa.open_feedback(k.order())),
            "order.feedback",
        ),
        "orders.actions.restore_agent": _s(restore, "agent.restore"),
        "orders.actions.grant_duplicate_override": _s(
            on(
                Kit.order,
                lambda k, o: oa.grant_duplicate_override(
                    order=o,
                    position=1,
                    reason="a second identical phone found after booking",
                    granted_by=k.cast["supervisor"],
                ),
            ),
            "order.duplicate_override",
        ),
        "orders.lifecycle.transition": _s(
            on(Kit.order, lambda k, o: lc.transition(o, "vendor_assigned", actor=ops(k))),
            "order.transition",
            "message.enqueue",
        ),
        "orders.lifecycle.mark_duplicate": _s(
            lambda k: (
                lambda first, second: (
                    lambda: lc.mark_duplicate(second, of=first.number, actor=ops(k))
                )
            )(*k.cancelled_then_again()),
            "slot.release",
            "order.transition",
            "message.enqueue",
        ),
        "orders.lifecycle.reassign_vendor": _s(
            on(
                lambda k: k.moved("vendor_assigned"),
                lambda k, o: lc.reassign_vendor(o, actor=ops(k), vendor_id=k.other_vendor().pk),
            ),
            "order.vendor_reassigned",
            "message.enqueue",
        ),
        "orders.lifecycle.amend_slot": _s(
            on(
                Kit.order,
                lambda k, o: lc.amend_slot(o, actor=ops(k), slot_id=k.catalog["evening"].pk),
            ),
            "slot.book",
            "slot.release",
            "order.amended",
            "message.enqueue",
        ),
        "orders.lifecycle.amend_address": _s(
            on(
                Kit.order,
                lambda k, o: lc.amend_address(
                    o,
                    actor=ops(k),
                    line1="22, 1st Main, 6th Block",
                    landmark="Near the park",
                    city="Bengaluru",
                    pincode="560034",
                ),
            ),
            "address.create",
            "order.amended",
            "message.enqueue",
        ),
        "orders.lifecycle.amend_payment": _s(
            on(
                Kit.order,
                lambda k, o: lc.amend_payment(
                    o,
                    actor=ops(k),
                    method="bank",
                    account_number="123456789012",
                    ifsc="HDFC0001234",
                ),
            ),
            "order.amended",
            "message.enqueue",
        ),
        "orders.lifecycle.amend_device": _s(
            on(
                Kit.order,
                lambda k, o: lc.amend_device(
                    o,
                    actor=ops(k),
                    variant_id=k.catalog["v256"].pk,
                    answers={"screen": "flawless", "body": "good"},
                    consent_confirmed=True,
                    consent_statement="Yes, please place the order",
                ),
            ),
            "order.amended",
            "message.enqueue",
        ),
        "orders.lifecycle.accept_final_price": _s(
            on(Kit.inspected, lambda k, o: lc.accept_final_price(o, actor=ops(k))),
            "order.price_accepted",
        ),
        "orders.lifecycle.report_delay": _s(
            on(
                lambda k: k.moved("vendor_assigned", "pickup_scheduled"),
                lambda k, o: lc.report_delay(o, actor=ops(k), expected_window="14:00-15:00"),
            ),
            "order.delay_reported",
            "message.enqueue",
        ),
    }


def _cx():
    from orderdesk.cx import actions as ca
    from orderdesk.cx.actions import order_not_found as cx_d6
    from orderdesk.cx.actions import steps as cx_steps
    from orderdesk.leads.actions import settle_order_not_found

    cx = lambda k: k.cast["cx"]  # noqa: E731

    def on(given, call):
        return lambda k: (lambda t: lambda: call(k, t))(given(k))

    heard = lambda k: k.heard(k.ticket(), "listen", "apologise", "act")  # noqa: E731

    def reply(k):
        survey = k.survey()
        return in_survey_window(
            lambda: ca.answer_csat_by_reply(
                phone=survey.ticket.customer.phone, text=f"4 {survey.reply_code}"
            )
        )

    def not_found(k):
        ticket = k.ticket("order_not_found", order_number="")
        order = k.order()
        return lambda: cx_d6.resolve_order_not_found(
            ticket,
            order=order,
            resolved_by=cx(k),
            resolution="Found it under her other number",
            settle_lead=settle_order_not_found,
        )

    def dispute(k):
        order = k.order()
        return k.heard(
            k.ticket("price_dispute", customer=order.customer, order=order), "listen", "apologise"
        )

    def d6_heard(k):
        return k.heard(k.ticket("order_not_found", order_number=""), "listen", "apologise")

    return {
        "cx.actions.opening.open_ticket": _s(
            lambda k: (
                lambda cu: (
                    lambda: ca.open_ticket(
                        type="complaint", customer=cu, created_by=k.cast["cx"], now=T0
                    )
                )
            )(k.customer()),
            "ticket.open",
        ),
        "cx.actions.steps.record_action": _s(
            on(
                Kit.ticket,
                lambda k, t: ca.record_action(
                    t, kind="listen", actor=cx(k), text="The vendor never came", now=T0
                ),
            ),
            "ticket.listen",
        ),
        "cx.actions.status.send_order_status_update": _s(
            lambda k: (lambda o: lambda: ca.send_order_status_update(o, actor=cx(k), now=T0))(
                k.order()
            ),
            "message.enqueue",
            "order.status_update_sent",
        ),
        "cx.actions.escalation.wait_on_customer": _s(
            on(
                Kit.ticket,
                lambda k, t: ca.wait_on_customer(
                    t, actor=cx(k), text="Waiting for the invoice photo", now=T0
                ),
            ),
            "ticket.wait",
        ),
        "cx.actions.escalation.resume_ticket": _s(
            on(
                lambda k: (
                    lambda t: (
                        ca.wait_on_customer(
                            t, actor=cx(k), text="Waiting for the invoice photo", now=T0
                        ),
                        t,
                    )[1]
                )(k.ticket()),
                lambda k, t: ca.resume_ticket(t, actor=cx(k), text="Photo received", now=T0),
            ),
            "ticket.resume",
        ),
        "cx.actions.escalation.escalate_ticket": _s(
            on(
                Kit.ticket,
                lambda k, t: ca.escalate_ticket(
                    t, actor=cx(k), text="Customer asked for a supervisor", now=T0
                ),
            ),
            "ticket.escalate",
        ),
        "cx.actions.resolution.resolve_ticket": _s(
            on(
                heard,
                lambda k, t: ca.resolve_ticket(
                    t,
                    actor=cx(k),
                    text="Booked a new pickup slot and the customer confirmed it",
                    now=T0,
                ),
            ),
            "ticket.resolve",
            "message.enqueue",
            "message.enqueue",
        ),
        "cx.actions.resolution.reopen_ticket": _s(
            on(
                lambda k: k.resolved(),
                lambda k, t: ca.reopen_ticket(
                    t, actor=cx(k), text="The vendor did not come again", now=T0
                ),
            ),
            "ticket.reopen",
        ),
        "cx.actions.resolution.add_note": _s(
            on(
                Kit.ticket,
                lambda k, t: ca.add_note(t, actor=cx(k), text="Customer prefers Hindi", now=T0),
            ),
            "ticket.note",
        ),
        "cx.actions.resolution.record_follow_up": _s(
            on(
                lambda k: k.resolved(),
                lambda k, t: ca.record_follow_up(
                    t, actor=cx(k), text="Called to check all is well", outcome="confirmed", now=T0
                ),
            ),
            "ticket.follow_up",
        ),
        "cx.actions.resolution.assign_ticket": _s(
            on(Kit.ticket, lambda k, t: ca.assign_ticket(t, actor=cx(k), now=T0)),
            "ticket.assign",
        ),
        "cx.actions.order_not_found.resolve_order_not_found": _s(
            not_found, "ticket.resolve", "message.enqueue", "message.enqueue"
        ),
        "cx.actions.steps.record_act": _s(
            on(
                dispute,
                lambda k, t: cx_steps.record_act(
                    t,
                    actor=cx(k),
                    outcome="customer_accepts",
                    text="Explained the inspected price; the customer accepts it",
                    effect=lambda ticket: {"price_explained": True},
                    now=T0,
                ),
            ),
            "ticket.act",
        ),
        "cx.actions.order_not_found.act_on_order_not_found": _s(
            on(
                d6_heard,
                lambda k, t: cx_d6.act_on_order_not_found(
                    t,
                    actor=cx(k),
                    outcome="no_order",
                    text="Searched by phone and number: no order anywhere",
                    settle_lead=settle_order_not_found,
                    now=T0,
                ),
            ),
            "ticket.resolve",
            "message.enqueue",
            "message.enqueue",
        ),
        "cx.actions.csat.answer_csat": _s(
            lambda k: (
                lambda sv: in_survey_window(lambda: ca.answer_csat(sv, score=5, via="link"))
            )(k.survey()),
            "csat.answer",
        ),
        "cx.actions.csat.answer_csat_by_token": _s(
            lambda k: (
                lambda sv: in_survey_window(
                    lambda: ca.answer_csat_by_token(ca.csat_token(sv), score=4)
                )
            )(k.survey()),
            "csat.answer",
        ),
        "cx.actions.csat.answer_csat_by_reply": _s(reply, "csat.answer"),
        "cx.sla.sweep_sla": _s(
            lambda k: (k.ticket(), lambda: ca.sweep_sla(now=T0 + dt.timedelta(days=5)))[1],
            "ticket.escalate",
        ),
        "cx.sla.close_resolved_tickets": _s(
            lambda k: (
                ca.record_follow_up(
                    k.resolved(), actor=cx(k), text="Called to check", outcome="confirmed", now=T0
                ),
                lambda: ca.close_resolved_tickets(now=T0 + dt.timedelta(days=30)),
            )[1],
            "ticket.close",
        ),
    }


def _messaging():
    from orderdesk.messaging import actions as ma
    from orderdesk.messaging.choices import MessageStatus
    from orderdesk.messaging.models import InboundMessage, Message, MessageTemplate

    def retry(k):
        message = ma.enqueue_message(
            customer=k.customer(), kind="order_confirmation", context=confirmation_ctx("OD1")
        )[0]
        Message.objects.filter(pk=message.pk).update(status=MessageStatus.FAILED)
        return lambda: ma.retry_message(Message.objects.get(pk=message.pk))

    def whatsapp_reply(k):
        customer = k.customer()
        InboundMessage.objects.create(
            provider_message_id="wamid.AUDIT",
            from_phone=customer.phone,
            customer=customer,
            body="Pickup today?",
            received_at=T0 - dt.timedelta(hours=1),
        )
        return lambda: ma.send_whatsapp_reply(
            phone=customer.phone, text="Yes, 10 to 1.", sent_by=k.cast["cx"], now=T0
        )

    def whatsapp_template(k):
        from orderdesk.customers.actions import update_preferences

        customer = update_preferences(k.customer(), whatsapp_opt_in=True)
        template = MessageTemplate.objects.get(kind__key="whatsapp_follow_up", language="en")
        return lambda: ma.send_whatsapp_template(
            phone=customer.phone, template_id=template.pk, sent_by=k.cast["cx"]
        )

    return {
        "messaging.actions.enqueue_message": _s(
            lambda k: (
                lambda cu: (
                    lambda: ma.enqueue_message(
                        customer=cu, kind="order_confirmation", context=confirmation_ctx("OD1")
                    )
                )
            )(k.customer()),
            "message.enqueue",
        ),
        "messaging.actions.retry_message": _s(retry, "message.retry"),
        "messaging.actions.record_whatsapp_consent": _s(
            lambda k: (
                lambda cu: (
                    lambda: ma.record_whatsapp_consent(
                        cu, opted_in=True, source="agent", recorded_by=k.cast["cx"], now=T0
                    )
                )
            )(k.customer()),
            "customer.update_preferences",
            "whatsapp.opt_in",
        ),
        "messaging.actions.send_whatsapp_reply": _s(whatsapp_reply, "whatsapp.reply"),
        "messaging.actions.send_whatsapp_template": _s(
            whatsapp_template, "message.enqueue", "whatsapp.template"
        ),
    }


def _webhooks():
    from orderdesk.webhooks import actions as wa
    from orderdesk.webhooks.models import Delivery, Endpoint

    def endpoint(k, **fields):
        return Endpoint.objects.create(
            name="ERP",
            url="https://93.184.215.14/hooks",
            events=["order.created"],
            owner=k.cast["admin"],
            **fields,
        )

    def paused(k):
        found = endpoint(k, paused_at=T0, paused_reason="down")
        return lambda: wa.resume_endpoint(actor=k.cast["admin"], endpoint=found)

    def delivered(k):
        delivery = Delivery.objects.create(
            endpoint=endpoint(k),
            event_id="evt_audit",
            event_type="order.created",
            body="{}",
            status="delivered",
            next_attempt_at=T0,
        )
        return lambda: wa.replay_delivery(actor=k.cast["admin"], delivery=delivery)

    return {
        "webhooks.actions.register_endpoint": _s(
            lambda k: (
                lambda: wa.register_endpoint(
                    actor=k.cast["admin"],
                    name="ERP",
                    url="https://93.184.215.14/hooks",
                    events=["order.paid"],
                )
            ),
            "webhook_endpoint.create",
        ),
        "webhooks.actions.resume_endpoint": _s(paused, "webhook_endpoint.resume"),
        "webhooks.actions.rotate_secret": _s(
            lambda k: (
                lambda found: lambda: wa.rotate_secret(actor=k.cast["admin"], endpoint=found)
            )(endpoint(k)),
            "webhook_endpoint.rotate_secret",
        ),
        "webhooks.actions.replay_delivery": _s(delivered, "webhook_delivery.replay"),
    }


def _telephony():
    from django.core.files.base import ContentFile
    from django.test import override_settings

    from orderdesk.flows import calls as lc
    from orderdesk.leads import calls as lead_calls
    from orderdesk.telephony import actions as ta
    from orderdesk.telephony.models import Call

    on = override_settings(
        ORDERDESK={**settings_orderdesk(), "TELEPHONY": {"ENABLED": True, "PROVIDER": "simulator"}}
    )

    def telephony_on(fn):
        def run():
            with on:
                return fn()

        return run

    def ended_call(k, *, status="completed", recording=False):
        call = Call.objects.create(
            provider="simulator",
            provider_call_id=f"audit-{status}",
            direction="outbound",
            from_number="+919000000001",
            to_number="+919876543210",
            agent=k.cast["sales"],
            status=status,
            created_at=T0,
            ended_at=T0,
            recording_expires_at=T0,
        )
        if recording:
            call.recording.save("audit.wav", ContentFile(b"RIFF"), save=True)
        return call

    def inbound_call(k):
        return Call.objects.create(
            provider="simulator",
            provider_call_id="audit-in",
            direction="inbound",
            from_number="+919812340077",
            to_number="+918000000000",
            agent=k.cast["sales"],
            status="answered",
            created_at=T0,
        )

    def unanswered_on_lead(k):
        lead = k.lead()
        call = ended_call(k, status="no_answer")
        Call.objects.filter(pk=call.pk).update(context_kind="lead", context_id=lead.pk)
        call.refresh_from_db()
        return lambda: lead_calls.call_ended(call)

    return {
        "telephony.actions.start_call": _s(
            lambda k: telephony_on(
                lambda: ta.start_call(agent=k.cast["sales"], customer_number="+919876543210")
            ),
            "call.start",
        ),
        "telephony.actions.set_presence": _s(
            lambda k: lambda: ta.set_presence(k.cast["sales"], "away"), "presence.set"
        ),
        "telephony.actions.open_recording": _s(
            lambda k: (lambda c: lambda: ta.open_recording(c.pk, user=k.cast["sales"]).close())(
                ended_call(k, recording=True)
            ),
            "call.recording.listen",
        ),
        "telephony.actions.delete_expired_recordings": _s(
            lambda k: (lambda c: lambda: ta.delete_expired_recordings(now=T0))(
                ended_call(k, recording=True)
            ),
            "call.recording.delete",
        ),
        "flows.calls.call_lead": _s(
            lambda k: (
                lambda lead: telephony_on(lambda: lc.call_lead(lead, agent=k.cast["sales"], now=T0))
            )(k.lead()),
            "call.start",
        ),
        "flows.calls.call_order": _s(
            lambda k: (
                lambda order: telephony_on(
                    lambda: lc.call_order(order, agent=k.cast["sales"], now=T0)
                )
            )(k.order()),
            "call.start",
        ),
        "leads.calls.call_ended": _s(unanswered_on_lead, "contact.log", "lead.update"),
        "flows.calls.lead_from_call": _s(
            lambda k: (
                lambda c: lambda: lc.lead_from_call(c.pk, agent=k.cast["sales"], name="Ravi Kumar")
            )(inbound_call(k)),
            "customer.create",
            "lead.create",
        ),
    }


def _storefront():
    import datetime as dt

    from django.utils import timezone

    from orderdesk.catalog.actions import create_quote
    from orderdesk.customers import phone_codes as sr
    from orderdesk.storefront import actions as sa
    from orderdesk.storefront.models import PhoneVerification

    def code(k, phone="9812300001"):
        """A code sent to a new visitor, whose value we know."""
        verification = sa.request_phone_code(name="Web Visitor", phone=phone)
        salt = sr.new_salt()
        PhoneVerification.objects.filter(pk=verification.pk).update(
            salt=salt, code_hash=sr.code_digest("424242", salt)
        )
        return verification

    def verified(k):
        verification = code(k)
        return sa.verify_phone_code(verification.pk, "424242")

    def quote(k):
        return create_quote(
            variant_id=k.catalog["v128"].pk, answers={"screen": "scratched", "body": "good"}
        )

    def web_quote(k):
        return sa.record_web_quote(verification=verified(k), quote=quote(k))

    details = {
        "line1": "14, 3rd Cross, 5th Block",
        "landmark": "Opposite Forum Mall",
        "city": "Bengaluru",
        "pincode": "560034",
        "payment_method": "upi",
        "upi_id": "web.visitor@okaxis",
    }

    def place(k):
        wq = web_quote(k)
        return lambda: sa.place_web_order(
            wq.pk, details=details | {"slot_id": k.catalog["morning"].pk}
        )

    def on_order(order_fn, call):
        return lambda k: (lambda o: lambda: call(k, o))(order_fn(k))

    def dropped(k):
        web_quote(k)
        later = timezone.now() + dt.timedelta(minutes=61)
        return lambda: sa.convert_dropped_quotes(now=later)

    return {
        "storefront.actions.request_phone_code": _s(
            lambda k: lambda: sa.request_phone_code(name="Web Visitor", phone="9812300001"),
            "customer.create",
            "message.enqueue",
            "storefront.code_sent",
        ),
        "storefront.actions.verify_phone_code": _s(
            lambda k: (lambda v: lambda: sa.verify_phone_code(v.pk, "424242"))(code(k)),
            "storefront.phone_verified",
        ),
        "storefront.actions.record_web_quote": _s(
            lambda k: (lambda v, q: lambda: sa.record_web_quote(verification=v, quote=q))(
                verified(k), quote(k)
            ),
            "storefront.quote_kept",
        ),
        "storefront.actions.place_web_order": _s(
            place, "address.create", "slot.book", "order.create", "message.enqueue"
        ),
        "storefront.actions.reschedule": _s(
            on_order(
                Kit.order,
                lambda k, o: sa.reschedule(
                    o, customer_id=o.customer_id, slot_id=k.catalog["evening"].pk
                ),
            ),
            "slot.book",
            "slot.release",
            "order.amended",
            "message.enqueue",
        ),
        "storefront.actions.cancel": _s(
            on_order(
                Kit.order,
                lambda k, o: sa.cancel(o, customer_id=o.customer_id, words="Sold it already"),
            ),
            "slot.release",
            "order.transition",
            "message.enqueue",
        ),
        "storefront.actions.answer_inspected_price": _s(
            on_order(
                Kit.inspected,
                lambda k, o: sa.answer_inspected_price(
                    o, customer_id=o.customer_id, accept=True, words="OK, 38,000 is fine"
                ),
            ),
            "order.price_accepted",
        ),
        "storefront.actions.convert_dropped_quotes": _s(
            dropped, "lead.create", "storefront.quote_dropped"
        ),
    }


def settings_orderdesk() -> dict:
    from django.conf import settings

    return dict(settings.ORDERDESK)


SCENARIOS: dict = {}


def _flows():
    from orderdesk.flows import contacts, disputes, order_not_found, orders, tickets

    def already_ordered_not_found(k):
        lead = k.lead()
        return lambda: contacts.log_contact(
            lead,
            agent=k.cast["sales"],
            channel="call",
            direction="inbound",
            connected=True,
            disposition="already_ordered",
            notes="Customer says she placed the order in the app yesterday",
            now=T0,
        )

    def d6_with_lead(k):
        ticket = already_ordered_not_found(k)().ticket
        return lambda: order_not_found.resolve_order_not_found(
            ticket, resolved_by=k.cast["cx"], resolution="No order under either number", now=T0
        )

    def d6_heard(k):
        return k.heard(k.ticket("order_not_found", order_number=""), "listen", "apologise")

    def dispute(k):
        order = k.order()
        return k.heard(
            k.ticket("price_dispute", customer=order.customer, order=order), "listen", "apologise"
        )

    return {
        "flows.disputes.act_on_price_dispute": _s(
            lambda k: (
                lambda t: (
                    lambda: disputes.act_on_price_dispute(
                        t,
                        actor=k.cast["cx"],
                        outcome="cancel_order",
                        text="Customer does not accept the price",
                        now=T0,
                    )
                )
            )(dispute(k)),
            "slot.release",
            "order.transition",
            "message.enqueue",
            "ticket.act",
        ),
        "flows.order_not_found.resolve_order_not_found": _s(
            d6_with_lead,
            "lead.order_not_found_settled",
            "ticket.resolve",
            "message.enqueue",
            "message.enqueue",
        ),
        "flows.order_not_found.act_on_order_not_found": _s(
            lambda k: (
                lambda t: (
                    lambda: order_not_found.act_on_order_not_found(
                        t,
                        actor=k.cast["cx"],
                        outcome="no_order",
                        text="Searched by phone and number: no order anywhere",
                        now=T0,
                    )
                )
            )(d6_heard(k)),
            "ticket.resolve",
            "message.enqueue",
            "message.enqueue",
        ),
        "flows.tickets.record_ticket_action": _s(
            lambda k: (
                lambda t: (
                    lambda: tickets.record_ticket_action(
                        t, kind="listen", actor=k.cast["cx"], text="The vendor never came", now=T0
                    )
                )
            )(k.ticket()),
            "ticket.listen",
        ),
        "flows.contacts.log_contact": _s(
            already_ordered_not_found, "ticket.open", "contact.log", "lead.update"
        ),
        "flows.tickets.hand_over_to_cx": _s(
            lambda k: (
                lambda lead: (
                    lambda: tickets.hand_over_to_cx(
                        lead,
                        type="complaint",
                        created_by=k.cast["sales"],
                        notes="The customer says the vendor was rude",
                    )
                )
            )(k.lead()),
            "ticket.open",
        ),
        "flows.tickets.open_ticket_for_caller": _s(
            lambda k: (
                lambda: tickets.open_ticket_for_caller(
                    type="complaint",
                    created_by=k.cast["cx"],
                    customer_phone="91234 56780",
                    customer_name="New Caller",
                )
            ),
            "customer.create",
            "ticket.open",
        ),
        "flows.orders.place_order": _s(
            lambda k: (
                lambda: orders.place_order(k.request(), actor=k.cast["sales"], channel="agent")
            ),
            "customer.create",
            "address.create",
            "slot.book",
            "order.create",
            "message.enqueue",
        ),
    }


def _phone_codes():
    from orderdesk.customers import phone_codes as pc
    from orderdesk.customers.models import PhoneVerification
    from orderdesk.flows import orders as fo
    from orderdesk.flows import phone_codes as fp

    def code(k, phone="9876543210"):
        """A code the app asked for an existing customer's phone, whose value we know."""
        k.order(phone)  # the customer exists
        verification = fp.request_phone_code(name="Asha", phone=phone, door="app")
        salt = pc.new_salt()
        PhoneVerification.objects.filter(pk=verification.pk).update(
            salt=salt, code_hash=pc.code_digest("424242", salt)
        )
        return verification

    def app_request(k, phone="9812300002"):
        return k.request(phone, reason="", consent_confirmed=False, price_confirmed=False)

    return {
        "flows.phone_codes.request_phone_code": _s(
            lambda k: (
                lambda: fp.request_phone_code(name="App User", phone="9812300003", door="app")
            ),
            "customer.create",
            "message.enqueue",
            "app.code_sent",
        ),
        "flows.phone_codes.verify_phone_code": _s(
            lambda k: (lambda v: lambda: fp.verify_phone_code(v.pk, "424242", door="app"))(code(k)),
            "app.phone_verified",
        ),
        "flows.phone_codes.prove_phone": _s(
            lambda k: (
                lambda v: (
                    lambda: fp.prove_phone(
                        "+919876543210", v.pk, "424242", door="app", field="phone_verification"
                    )
                )
            )(code(k)),
            "app.phone_verified",
        ),
        "flows.orders.prove_orders_phone": _s(
            lambda k: (
                lambda v: (
                    lambda: fo.prove_orders_phone(
                        "98765 43210", v.pk, "424242", field="verification_id"
                    )
                )
            )(code(k)),
            "app.phone_verified",
        ),
        "flows.orders.place_app_order": _s(
            lambda k: (
                lambda: fo.place_app_order(
                    app_request(k), actor=k.cast["app"], verification_id=None, code=""
                )
            ),
            "customer.create",
            "address.create",
            "slot.book",
            "order.create",
            "message.enqueue",
        ),
    }


def scenarios() -> dict:
    if not SCENARIOS:
        for part in (
            _accounts,
            _catalog,
            _customers,
            _leads,
            _imports,
            _orders,
            _cx,
            _messaging,
            _flows,
            _telephony,
            _storefront,
            _phone_codes,
            _webhooks,
        ):
            SCENARIOS.update(part())
    return SCENARIOS


def public_functions() -> list[str]:
    names = []
    for dotted in WRITE_MODULES:
        module = importlib.import_module(dotted)
        short = dotted.removeprefix("orderdesk.")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != dotted:
                continue
            names.append(f"{short}.{name}")
    return sorted(names)


def test_every_public_action_is_listed():
    listed = set(scenarios()) | set(NOT_WRITES)
    missing = [name for name in public_functions() if name not in listed]
    assert not missing, (
        "These public functions write-modules expose are neither exercised nor exempted:\n  "
        + "\n  ".join(missing)
        + "\nAdd each to SCENARIOS (with the audit events it writes) or to NOT_WRITES (with "
        "why it writes nothing) in src/orderdesk/core/tests/test_every_action_is_audited.py."
    )
    stale = listed - set(public_functions())
    assert not stale, f"listed but no longer public functions: {sorted(stale)}"


@pytest.fixture
def at_t0():
    """The clock at T0 (ticking) before the cast and catalog are made: the scenarios pass
    ``now=T0`` where they can, and what reads the clock itself (a CSAT survey's expiry) must
    agree with them whatever today's date is."""
    with time_machine.travel(T0, tick=True):
        yield


@pytest.mark.parametrize("name", sorted(scenarios()))
def test_each_write_writes_its_audit_events(at_t0, cast, catalog, name):
    from orderdesk.leads.seeding import ensure_default_settings

    ensure_default_settings()
    scenario = scenarios()[name]
    when = scenario.given(Kit(cast, catalog))
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    when()
    written = list(
        AuditEvent.objects.filter(id__gt=last).order_by("id").values_list("action", flat=True)
    )
    assert written == scenario.expected, f"{name} wrote {written}"
