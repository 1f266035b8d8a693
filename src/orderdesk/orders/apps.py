from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orderdesk.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self):
        # Models are loaded only now, so the registrations import here (Django's rule for
        # ready()); they put this app's metrics and S4 rows into the registries of the apps
        # below (core.metrics, customers.privacy): docs/architecture.md, "Registries".
        from orderdesk.core.metrics import register_business_metrics
        from orderdesk.customers.privacy import register_privacy_contributor
        from orderdesk.orders.metrics import order_metrics
        from orderdesk.orders.privacy import ORDERS_PRIVACY

        register_business_metrics("orders", order_metrics, position=10)
        register_privacy_contributor(ORDERS_PRIVACY)
