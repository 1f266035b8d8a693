from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "orderdesk.storefront"
    label = "storefront"
    verbose_name = "Storefront (the customer's own door)"

    def ready(self):
        # The dropped-quote sweep (web quotes left without an order become leads), a periodic
        # job owned by ``orderdesk worker`` (core/periodic.py).
        from orderdesk.core import periodic
        from orderdesk.storefront import tasks

        periodic.register(tasks.SWEEP)
