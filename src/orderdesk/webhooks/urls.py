from django.urls import path

from orderdesk.webhooks import views

app_name = "outbound"

urlpatterns = [
    path("", views.endpoints, name="endpoints"),
    path("<int:endpoint_id>/", views.endpoint, name="endpoint"),
    path("<int:endpoint_id>/resume/", views.resume, name="resume"),
    path("<int:endpoint_id>/rotate-secret/", views.rotate_secret, name="rotate_secret"),
    path("deliveries/<int:delivery_id>/replay/", views.replay, name="replay"),
]
