from django.urls import path

from orderdesk.telephony import views

app_name = "telephony"

urlpatterns = [
    path("webhooks/<str:provider>/<str:secret>/", views.webhook, name="webhook"),
    path("voice/twilio/<str:secret>/", views.twilio_voice, name="twilio_voice"),
]
