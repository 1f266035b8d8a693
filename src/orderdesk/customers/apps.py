from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "orderdesk.customers"
    label = "customers"
    verbose_name = "Customers"
