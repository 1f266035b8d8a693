from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "orderdesk.customers"
    label = "customers"
    verbose_name = "Customers"

    def ready(self):
        # The app's periodic job, owned by ``orderdesk worker`` (core/periodic.py).
        from orderdesk.core import periodic
        from orderdesk.customers import tasks

        periodic.register(tasks.SWEEP)
