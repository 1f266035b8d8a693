from django.urls import path

from orderdesk.console import (
    agent_views,
    audit_views,  # S3 audit log, S2 audited reveals
    call_views,  # telephony: click-to-call, live call status, recordings (issue 16)
    customer_views,  # issue 15 item 7: the customer page
    cx_views,  # CX: tickets, SLA, CSAT (SPEC §6 C1-C3, M9, D6)
    import_views,  # lead imports and CSV exports (issue 10)
    kpi_views,  # KPIs and agent scorecards (SPEC §7)
    leads_views,
    live_views,
    ops_views,
    order_pages,  # one order, read-only, for every role that reads orders (issue 18)
    order_views,
    privacy_views,  # S4: a customer's data export and erasure (admin)
    search,
    tools,
    two_factor_views,  # two-factor sign-in (TOTP) for the roles that need it
    views,
    whatsapp_views,  # a lead for a number that wrote in on WhatsApp (issue 19)
)

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", search.search, name="search"),  # the header's search (issue 18)
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("language/", views.language_change, name="language"),  # the agent's own language
    path("2fa/setup/", two_factor_views.two_factor_setup, name="two_factor_setup"),
    path("2fa/verify/", two_factor_views.two_factor_verify, name="two_factor_verify"),
    # One home per staff role.
    path("sales/", views.sales_home, name="sales_home"),
    path("cx/", views.cx_home, name="cx_home"),
    path("ops/", views.ops_home, name="ops_home"),
    path("supervisor/", views.supervisor_home, name="supervisor_home"),
    path("admin-home/", views.admin_home, name="admin_home"),
    # The manual order wizard (M1-M6).
    path("orders/new/", order_views.order_wizard, name="order_wizard"),
    path("orders/new/check/", order_views.order_wizard_check, name="order_wizard_check"),
    path("orders/training-card/", order_views.order_training_card, name="order_training_card"),
    path("orders/<str:number>/created/", order_views.order_created, name="order_created"),
    path("orders/<str:number>/", order_pages.order_view, name="order_view"),
    path(
        "orders/<str:number>/duplicate-override/",
        order_pages.order_duplicate_override,
        name="order_duplicate_override",
    ),
    # M8 accountability.
    path("agents/errors/", agent_views.agent_errors, name="agent_errors"),
    path("my-work/", agent_views.my_work, name="my_work"),  # issue 15 (14): own scorecard
    path("agents/<int:agent_id>/restore/", agent_views.restore, name="agent_restore"),
    # Leads: queue, lead page and call panel, oversight, training card (SPEC §3, §10).
    path("leads/", leads_views.lead_queue, name="lead_queue"),
    path("leads/search/", leads_views.lead_search, name="lead_search"),
    path("leads/new/whatsapp/", whatsapp_views.new_lead, name="whatsapp_new_lead"),
    path("leads/suggest/", leads_views.suggest_disposition, name="lead_suggest"),
    path("leads/oversight/", leads_views.lead_oversight, name="lead_oversight"),
    path("kpis/", kpi_views.kpi_dashboard, name="kpi_dashboard"),  # SPEC §7 (supervisors)
    path("kpis/records/<slug:key>/", kpi_views.kpi_drill, name="kpi_drill"),  # drill-down
    path("kpis/export/<slug:table>.csv", kpi_views.kpi_export, name="kpi_export"),
    path("kpis/audits/", kpi_views.audit_list, name="kpi_audits"),  # audits.run
    path("kpis/audits/export.csv", kpi_views.audit_export, name="kpi_audit_export"),
    path("kpis/audits/<int:audit_id>/", kpi_views.audit_page, name="kpi_audit"),
    path("leads/<int:lead_id>/", leads_views.lead_detail, name="lead_detail"),
    path("leads/<int:lead_id>/contacts/", leads_views.log_contact, name="lead_log_contact"),
    path("leads/<int:lead_id>/follow-up/", leads_views.schedule_follow_up, name="lead_follow_up"),
    path("leads/<int:lead_id>/close/", leads_views.lead_close, name="lead_close"),
    path("leads/<int:lead_id>/handover/", leads_views.lead_handover, name="lead_handover"),
    path(
        "leads/<int:lead_id>/another-device/",
        leads_views.lead_another_device,
        name="lead_another_device",
    ),
    # Telephony (issue 16): click-to-call, the live call status, recordings (audited).
    path("leads/<int:lead_id>/call/", call_views.lead_call, name="lead_call"),
    path("calls/<int:call_id>/status/", call_views.call_status, name="call_status"),
    path("calls/<int:call_id>/recording/", call_views.call_recording, name="call_recording"),
    path("wallboard/", call_views.wallboard, name="wallboard"),  # supervisors, live
    path("calls/pop/", call_views.call_pop, name="call_pop"),  # inbound screen-pop, polled
    path("cx/tickets/<int:ticket_id>/call/", call_views.ticket_call, name="ticket_call"),
    path("orders/<str:number>/call/", call_views.order_call, name="order_call"),
    path("calls/<int:call_id>/new-lead/", call_views.call_new_lead, name="call_new_lead"),
    path("calls/callbacks/", call_views.callbacks, name="callbacks"),
    path("calls/presence/", call_views.presence, name="presence"),
    path("training-card/", leads_views.training_card, name="training_card"),
    # Live queues and keyboard-first work (issue 18): nav counts (polled), "next lead" (n).
    path("nav/counts/", live_views.nav_counts, name="nav_counts"),
    path("leads/next/", live_views.next_lead, name="next_lead"),
    # Lead imports (supervisors, admins) and CSV exports (supervisors), issue 10.
    path("imports/", import_views.import_list, name="import_list"),
    path("imports/<int:job_id>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:job_id>/progress/", import_views.import_progress, name="import_progress"),
    path("imports/<int:job_id>/errors.csv", import_views.import_errors_csv, name="import_errors"),
    path("exports/", import_views.export_page, name="export_page"),
    path("exports/leads.csv", import_views.export_leads, name="export_leads"),
    path("exports/orders.csv", import_views.export_orders, name="export_orders"),
    # Desk tools (HTMX fragments; full pages without JavaScript).
    path("tools/quote/models/", tools.quote_models, name="quote_models"),
    path("tools/quote/questions/", tools.quote_questions, name="quote_questions"),
    path("tools/quote/", tools.quote_estimate, name="quote_estimate"),
    path("tools/serviceability/", tools.serviceability_check, name="serviceability"),
    path("tools/customers/", tools.customer_search, name="customer_search"),
    # Ops: the order's life after creation (O1-O5, X4).
    path("ops/board/", ops_views.board, name="ops_board"),
    path("ops/orders/", ops_views.find_order, name="ops_find_order"),
    path("ops/orders/<str:number>/", ops_views.order_page, name="ops_order"),
    path("ops/orders/<str:number>/move/<slug:to>/", ops_views.order_move, name="ops_order_move"),
    path("ops/orders/<str:number>/do/<slug:name>/", ops_views.order_action, name="ops_order_do"),
    # CX: ticket queues, the ticket page (C1-C3, M9, D6), order status look-up, escalations.
    path("cx/tickets/", cx_views.ticket_queues, name="cx_queues"),
    path("cx/tickets/new/", cx_views.new_ticket, name="cx_ticket_new"),
    path("cx/tickets/<int:ticket_id>/", cx_views.ticket_page, name="cx_ticket"),
    path("cx/tickets/<int:ticket_id>/actions/", cx_views.ticket_action, name="cx_ticket_action"),
    path("cx/orders/", cx_views.order_lookup, name="cx_lookup"),
    path("cx/orders/<str:number>/update/", cx_views.order_send_update, name="cx_order_update"),
    path("cx/escalations/", cx_views.escalation_queue, name="cx_escalations"),
    # S4: a customer's data export and erasure (admin).
    # Issue 15 item 7: the customer page, where a lead or an order starts (SOP 001 step 1).
    path("customers/<int:customer_id>/", customer_views.customer_detail, name="customer_detail"),
    path(
        "customers/<int:customer_id>/lead/",
        customer_views.customer_start_lead,
        name="customer_start_lead",
    ),
    path("customers/privacy/", privacy_views.customer_privacy, name="customer_privacy"),
    path(
        "customers/<int:customer_id>/privacy/",
        privacy_views.customer_privacy,
        name="customer_privacy_detail",
    ),
    path(
        "customers/<int:customer_id>/export.json",
        privacy_views.customer_export,
        name="customer_export",
    ),
    path("customers/<int:customer_id>/erase/", privacy_views.customer_erase, name="customer_erase"),
    # S3: the audit log (supervisors, admins); S2: the audited "show full number".
    path("audit/", audit_views.audit_log, name="audit_log"),
    path("customers/<int:customer_id>/phone/", audit_views.reveal_phone, name="reveal_phone"),
    path("text/<slug:kind>/<int:pk>/", audit_views.reveal_text, name="reveal_text"),
    path("ops/orders/<str:number>/payment/", audit_views.reveal_payment, name="reveal_payment"),
    # The customer's CSAT page: no login, the signed one-time link is the credential (C3).
    path("csat/<str:token>/", cx_views.csat_answer, name="csat_answer"),
]
