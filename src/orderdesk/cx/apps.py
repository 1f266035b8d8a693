from django.apps import AppConfig


class CxConfig(AppConfig):
    name = "orderdesk.cx"
    label = "cx"
    verbose_name = "CX tickets"

    def ready(self):
        # Models are loaded only now, so the registrations import here (Django's rule for
        # ready()); they put this app's metrics and S4 rows into the registries of the apps
        # below (core.metrics, customers.privacy): docs/architecture.md, "Registries".
        from orderdesk.core.metrics import register_business_metrics
        from orderdesk.customers.privacy import register_privacy_contributor
        from orderdesk.cx.metrics import sla_metrics
        from orderdesk.cx.privacy import CX_PRIVACY

        register_business_metrics("cx", sla_metrics, position=40)
        register_privacy_contributor(CX_PRIVACY)

        # The app's periodic job, owned by ``orderdesk worker`` (core/periodic.py).
        from orderdesk.core import periodic
        from orderdesk.cx import tasks

        periodic.register(tasks.SWEEP)
