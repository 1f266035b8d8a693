from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "orderdesk.storefront"
    label = "storefront"
    verbose_name = "Storefront (the customer's own door)"
