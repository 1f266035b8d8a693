from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "orderdesk.kpis"
    label = "kpis"
    verbose_name = "KPIs"
