from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "orderdesk.messaging"
    label = "messaging"
    verbose_name = "Messages"
