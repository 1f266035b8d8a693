from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from orderdesk.api.api import api

admin.site.site_header = "orderdesk back office"
admin.site.site_title = "orderdesk admin"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="console:home", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("console/messages/", include("orderdesk.messaging.urls")),
    path("console/", include("orderdesk.console.urls")),
]
