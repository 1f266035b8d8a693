from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "orderdesk.leads"
    label = "leads"
    verbose_name = "Leads and follow-ups"

    def ready(self):
        # The app's periodic job, owned by ``orderdesk worker`` (core/periodic.py).
        from orderdesk.core import periodic
        from orderdesk.leads import tasks

        periodic.register(tasks.MISSED_FOLLOW_UPS)
