from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from orderdesk.api.api import api
from orderdesk.core.metrics import metrics_view

admin.site.site_header = "orderdesk back office"
admin.site.site_title = "orderdesk admin"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="console:home", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("console/messages/", include("orderdesk.messaging.urls")),
    path("webhooks/", include("orderdesk.messaging.webhook_urls")),
    path("telephony/", include("orderdesk.telephony.urls")),
    path("console/", include("orderdesk.console.urls")),
    path("metrics", metrics_view, name="metrics"),  # Prometheus; METRICS_TOKEN only
    path("", include("orderdesk.storefront.urls")),  # the customer's own door: /sell, /t/
]

# The console's own error pages (issue 18); /api/ and JSON clients keep problem+json. An
# uncaught error while the database is unreachable stays 503 problem+json.
handler403 = "orderdesk.console.errors.permission_denied"
handler404 = "orderdesk.console.errors.page_not_found"
handler500 = "orderdesk.console.errors.server_error"
