from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "orderdesk.messaging"
    label = "messaging"
    verbose_name = "Messages"

    def ready(self):
        # The app's periodic job, owned by ``orderdesk worker`` (core/periodic.py).
        from orderdesk.core import periodic
        from orderdesk.messaging import tasks

        periodic.register(tasks.SWEEP)
