from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "orderdesk.leads"
    label = "leads"
    verbose_name = "Leads and follow-ups"
