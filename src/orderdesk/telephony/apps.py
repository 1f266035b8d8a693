from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    name = "orderdesk.telephony"
    label = "telephony"
    verbose_name = "Telephony"

    def ready(self):
        # The app's periodic job (stale calls polled, unmatched events retried, recordings
        # copied and deleted on schedule), owned by ``orderdesk worker`` (core/periodic.py).
        from orderdesk.core import periodic
        from orderdesk.telephony import tasks

        periodic.register(tasks.SWEEP)
