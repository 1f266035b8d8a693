from django.apps import AppConfig


class CxConfig(AppConfig):
    name = "orderdesk.cx"
    label = "cx"
    verbose_name = "CX tickets"

    def ready(self):
        # The app's periodic job, owned by ``orderdesk worker`` (core/periodic.py).
        from orderdesk.core import periodic
        from orderdesk.cx import tasks

        periodic.register(tasks.SWEEP)
