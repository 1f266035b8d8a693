from django.apps import AppConfig


class CxConfig(AppConfig):
    name = "orderdesk.cx"
    label = "cx"
    verbose_name = "CX tickets"
