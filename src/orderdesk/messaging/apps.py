from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "orderdesk.messaging"
    label = "messaging"
    verbose_name = "Messages"

    def ready(self):
        # Models are loaded only now, so the registrations import here (Django's rule for
        # ready()); they put this app's metrics and S4 rows into the registries of the apps
        # below (core.metrics, customers.privacy): docs/architecture.md, "Registries".
        from orderdesk.core.metrics import register_business_metrics
        from orderdesk.customers.privacy import register_privacy_contributor
        from orderdesk.messaging.metrics import message_metrics
        from orderdesk.messaging.privacy import MESSAGING_PRIVACY

        register_business_metrics("messaging", message_metrics, position=20)
        register_privacy_contributor(MESSAGING_PRIVACY)

        # The app's periodic job, owned by ``orderdesk worker`` (core/periodic.py).
        from orderdesk.core import periodic
        from orderdesk.messaging import tasks

        periodic.register(tasks.SWEEP)

        # WhatsApp: consent follows the customer's preferences, erasure blanks the messages,
        # and every message sweep processes the stored webhook events (docs/whatsapp.md).
        from orderdesk.customers.actions import register_erasure_hook, register_preference_hook
        from orderdesk.messaging import actions, whatsapp

        register_preference_hook(actions.consent_from_preferences)
        register_erasure_hook(actions.erase_whatsapp_data)
        if whatsapp.process_pending_quietly not in tasks.SWEEP_HOOKS:
            tasks.SWEEP_HOOKS.append(whatsapp.process_pending_quietly)
