"""The public webhooks (outside /console and /api): the provider's signature is the credential."""

from django.urls import path

from orderdesk.messaging import views

app_name = "webhooks"

urlpatterns = [
    path("whatsapp/", views.whatsapp_webhook, name="whatsapp"),
]
