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

        # S4: the web visitor's codes and quotes in the customer's export (customers.privacy).
        from orderdesk.customers.privacy import register_privacy_contributor
        from orderdesk.storefront.privacy import STOREFRONT_PRIVACY

        register_privacy_contributor(STOREFRONT_PRIVACY)
