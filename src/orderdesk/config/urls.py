from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
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
    path("console/webhooks/", include("orderdesk.webhooks.urls")),  # outbound (issue 20)
    path("webhooks/", include("orderdesk.messaging.webhook_urls")),
    path("telephony/", include("orderdesk.telephony.urls")),
    path("console/", include("orderdesk.console.urls")),
    path("metrics", metrics_view, name="metrics"),  # Prometheus; METRICS_TOKEN only
    path("", include("orderdesk.storefront.urls")),  # the customer's own door: /sell, /t/
]


def bench_hello(request):
    """The P2 baseline: the cheapest response this Django stack can serve (bench/ only)."""
    return HttpResponse(b"hello", content_type="text/plain")


def bench_urlpatterns(enabled: bool) -> list:
    """GET /bench/hello when ``enabled`` (settings.BENCH_HELLO_VIEW), else nothing."""
    return [path("bench/hello", bench_hello, name="bench-hello")] if enabled else []


urlpatterns = bench_urlpatterns(settings.BENCH_HELLO_VIEW) + urlpatterns  # before any catch-all

# The console's own error pages (issue 18); /api/ and JSON clients keep problem+json. An
# uncaught error while the database is unreachable stays 503 problem+json.
handler403 = "orderdesk.console.errors.permission_denied"
handler404 = "orderdesk.console.errors.page_not_found"
handler500 = "orderdesk.console.errors.server_error"
