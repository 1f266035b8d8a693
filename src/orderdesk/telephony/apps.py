from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    name = "orderdesk.telephony"
    label = "telephony"
    verbose_name = "Telephony"
