from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "orderdesk.kpis"
    label = "kpis"
    verbose_name = "KPIs"

    def ready(self):
        # The app's periodic job, owned by ``orderdesk worker`` (core/periodic.py).
        from orderdesk.core import periodic
        from orderdesk.kpis import tasks

        periodic.register(tasks.CHAIN)
