"""Console pages: sign-in, sign-out, password change and one home per role.

Every view is guarded by ``requires(Perm.X)`` from the one permission layer the
API uses too; a role opening another role's page gets the 403 page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _

from orderdesk.accounts.actions import change_password, set_language
from orderdesk.accounts.choices import ConsoleLanguage
from orderdesk.accounts.permissions import Perm, has_perm, requires
from orderdesk.console import display
from orderdesk.console.leads_views import queue_context
from orderdesk.console.navigation import ROLE_HOME
from orderdesk.core.errors import ValidationFailed


class LoginView(auth_views.LoginView):
    template_name = "console/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        # API clients (the customer app, vendors) have no console: refuse them
        # here, before a session exists, and say why.
        user = form.get_user()
        if not has_perm(user, Perm.CONSOLE):
            return TemplateResponse(
                self.request,
                "console/forbidden.html",
                {"permission": Perm.CONSOLE.value, "account": user},
                status=403,
            )
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5); lands on the sign-in page (LOGOUT_REDIRECT_URL)."""


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's form and checks, but the write goes through the audited action."""

    template_name = "console/password_change.html"
    success_url = reverse_lazy("console:home")

    def form_valid(self, form):
        change_password(self.request.user, form.cleaned_data["new_password1"])
        # Keep this session signed in; other sessions of the user end.
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect(self.get_success_url())


password_change = requires(Perm.CONSOLE)(PasswordChangeView.as_view())


@requires(Perm.CONSOLE)
def language_change(request):
    """The signed-in user's own console language (never another user's: there is no user
    in the URL). A refusal names the field and changes nothing (422)."""
    chosen = request.user.language
    error = ""
    if request.method == "POST":
        chosen = request.POST.get("language", "")
        try:
            set_language(request.user, chosen)
        except ValidationFailed:
            error = _("Choose one of the languages listed.")
        else:
            with translation.override(request.user.language):
                messages.success(request, _("Your console language has been saved."))
            return redirect("console:language")
    context = {"languages": ConsoleLanguage.choices, "chosen": chosen, "error": error}
    return TemplateResponse(request, "console/language.html", context, status=422 if error else 200)


@requires(Perm.CONSOLE)
def home(request):
    """Send each staff role to its own home."""
    return redirect(ROLE_HOME[request.user.role])


@requires(Perm.CONSOLE)
@requires(Perm.LEADS_WORK)
def sales_home(request):
    context = {"device_types": display.device_types(), **queue_context(request.user, limit=10)}
    return TemplateResponse(request, "console/home_sales.html", context)


@requires(Perm.CONSOLE)
@requires(Perm.TICKETS_WORK)
def cx_home(request):
    return TemplateResponse(
        request, "console/home_cx.html", {"device_types": display.device_types()}
    )


@requires(Perm.CONSOLE)
@requires(Perm.ORDERS_OPERATE)
def ops_home(request):
    return TemplateResponse(
        request,
        "console/home_ops.html",
        {
            "slot_cities": display.slot_capacity_today_and_tomorrow(),
            "cities": display.cities_with_vendors(),
        },
    )


@requires(Perm.CONSOLE)
@requires(Perm.KPIS_VIEW)
def supervisor_home(request):
    can_read_audit = has_perm(request.user, Perm.AUDIT_LOG_VIEW)
    return TemplateResponse(
        request,
        "console/home_supervisor.html",
        {
            "teams": display.teams_with_members(),
            "unassigned": display.staff_without_team(),
            "can_read_audit": can_read_audit,
            "audit_events": display.latest_audit_events(50) if can_read_audit else [],
        },
    )


@requires(Perm.CONSOLE)
@requires(Perm.SETTINGS_MANAGE)
def admin_home(request):
    return TemplateResponse(
        request, "console/home_admin.html", {"counts": display.back_office_counts()}
    )
