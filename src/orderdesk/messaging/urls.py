from django.urls import path

from orderdesk.messaging import views

app_name = "messaging"

urlpatterns = [
    path("failed/", views.failed_messages, name="failed"),
    path("<int:message_id>/retry/", views.retry, name="retry"),
    path("customers/<int:customer_id>/", views.customer_messages, name="customer_messages"),
    # The CX WhatsApp inbox (issue 19).
    path("whatsapp/", views.inbox, name="inbox"),
    path("whatsapp/<int:thread_id>/", views.conversation, name="conversation"),
    path("whatsapp/<int:thread_id>/reply/", views.conversation_reply, name="conversation_reply"),
]
