from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "orderdesk.webhooks"
    label = "webhooks"
    verbose_name = "Outbound webhooks"

    def ready(self):
        # Registrations wait for ready(): the domain apps announce through core.events,
        # and the messaging sweep (the sender's periodic safety net) drains our outbox too.
        from orderdesk.core import events
        from orderdesk.customers.privacy import register_privacy_contributor
        from orderdesk.messaging import tasks as messaging_tasks
        from orderdesk.webhooks import actions, tasks
        from orderdesk.webhooks.privacy import WEBHOOKS_PRIVACY

        events.register_listener(actions.on_domain_event)
        register_privacy_contributor(WEBHOOKS_PRIVACY)
        if tasks.sweep_webhooks not in messaging_tasks.SWEEP_HOOKS:
            messaging_tasks.SWEEP_HOOKS.append(tasks.sweep_webhooks)
