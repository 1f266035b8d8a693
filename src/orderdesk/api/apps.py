from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "orderdesk.api"
    label = "api"
    verbose_name = "API"
