from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "orderdesk.console"
    label = "console"
    verbose_name = "Console"
