from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "orderdesk.leads"
    label = "leads"
    verbose_name = "Leads and follow-ups"

    def ready(self):
        # Models are loaded only now, so the registrations import here (Django's rule for
        # ready()); they put this app's metrics and S4 rows into the registries of the apps
        # below (core.metrics, customers.privacy): docs/architecture.md, "Registries".
        from orderdesk.core.metrics import register_business_metrics
        from orderdesk.customers.privacy import register_privacy_contributor
        from orderdesk.leads.metrics import follow_up_metrics
        from orderdesk.leads.privacy import LEADS_PRIVACY
        from orderdesk.leads.selectors import calling_hours_in_force
        from orderdesk.messaging.conf import register_calling_hours_source

        register_business_metrics("leads", follow_up_metrics, position=30)
        register_privacy_contributor(LEADS_PRIVACY)
        register_calling_hours_source(calling_hours_in_force)

        # The app's periodic job, owned by ``orderdesk worker`` (core/periodic.py).
        from orderdesk.core import periodic
        from orderdesk.leads import tasks

        periodic.register(tasks.MISSED_FOLLOW_UPS)

        # Telephony announces a call's end; an unanswered call on a lead becomes its contact.
        from orderdesk.leads import calls
        from orderdesk.telephony import hooks

        hooks.on_call_ended(calls.call_ended)
        hooks.on_call_ended(calls.missed_call_owner)
