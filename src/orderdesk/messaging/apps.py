from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "orderdesk.messaging"
    label = "messaging"
    verbose_name = "Messages"

    def ready(self) -> None:
        # Named mechanisms the lower and sibling modules own (STYLE: registries, not signals).
        from orderdesk.customers.actions import register_erasure_hook, register_preference_hook
        from orderdesk.messaging import actions, tasks, whatsapp

        register_preference_hook(actions.consent_from_preferences)
        register_erasure_hook(actions.erase_whatsapp_data)
        if whatsapp.process_pending_quietly not in tasks.SWEEP_HOOKS:
            tasks.SWEEP_HOOKS.append(whatsapp.process_pending_quietly)
