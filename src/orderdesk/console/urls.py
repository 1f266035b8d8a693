from django.urls import path

from orderdesk.console import agent_views, order_views, tools, views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    # One home per staff role.
    path("sales/", views.sales_home, name="sales_home"),
    path("cx/", views.cx_home, name="cx_home"),
    path("ops/", views.ops_home, name="ops_home"),
    path("supervisor/", views.supervisor_home, name="supervisor_home"),
    path("admin-home/", views.admin_home, name="admin_home"),
    # The manual order wizard (M1-M6).
    path("orders/new/", order_views.order_wizard, name="order_wizard"),
    path("orders/<str:number>/created/", order_views.order_created, name="order_created"),
    # M8 accountability.
    path("agents/errors/", agent_views.agent_errors, name="agent_errors"),
    path("agents/<int:agent_id>/restore/", agent_views.restore, name="agent_restore"),
    # Desk tools (HTMX fragments; full pages without JavaScript).
    path("tools/quote/models/", tools.quote_models, name="quote_models"),
    path("tools/quote/questions/", tools.quote_questions, name="quote_questions"),
    path("tools/quote/", tools.quote_estimate, name="quote_estimate"),
    path("tools/serviceability/", tools.serviceability_check, name="serviceability"),
    path("tools/customers/", tools.customer_search, name="customer_search"),
]
