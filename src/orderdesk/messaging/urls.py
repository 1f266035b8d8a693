from django.urls import path

from orderdesk.messaging import views

app_name = "messaging"

urlpatterns = [
    path("failed/", views.failed_messages, name="failed"),
    path("<int:message_id>/retry/", views.retry, name="retry"),
    path("customers/<int:customer_id>/", views.customer_messages, name="customer_messages"),
]
