from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "orderdesk.leads"
    label = "leads"
    verbose_name = "Leads and follow-ups"

    def ready(self) -> None:
        # Telephony announces a call's end; an unanswered call on a lead becomes its contact.
        from orderdesk.leads import calls
        from orderdesk.telephony import hooks

        hooks.on_call_ended(calls.call_ended)
        hooks.on_call_ended(calls.missed_call_owner)
