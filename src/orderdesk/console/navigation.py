"""Where each role lands and what the navigation offers, from the one permission layer.

A link appears only when the signed-in user holds the permission that guards
its page, so the navigation never offers a page that would answer 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from orderdesk.accounts.choices import Role
from orderdesk.accounts.permissions import Perm, permissions_of

# The home each staff role lands on after signing in. API clients have none.
ROLE_HOME: dict[str, str] = {
    Role.SALES: "console:sales_home",
    Role.CX: "console:cx_home",
    Role.OPS: "console:ops_home",
    Role.SUPERVISOR: "console:supervisor_home",
    Role.ADMIN: "console:admin_home",
}


@dataclass(frozen=True)
class NavLink:
    label: str  # lazy: translated when the page renders, in the agent's language
    url_name: str  # a console URL name, or an admin one for the back office
    perm: Perm


NAV_LINKS: tuple[NavLink, ...] = (
    NavLink(_("Sales desk"), "console:sales_home", Perm.LEADS_WORK),
    NavLink(_("Lead queue"), "console:lead_queue", Perm.LEADS_WORK),
    NavLink(_("CX desk"), "console:cx_home", Perm.TICKETS_WORK),
    NavLink(_("Tickets"), "console:cx_queues", Perm.TICKETS_WORK),
    NavLink(_("Escalations"), "console:cx_escalations", Perm.ESCALATIONS),
    NavLink(_("WhatsApp inbox"), "messaging:inbox", Perm.WHATSAPP_INBOX),  # issue 19
    NavLink(_("Operations"), "console:ops_home", Perm.ORDERS_OPERATE),
    NavLink(_("Pickups"), "console:ops_board", Perm.ORDERS_OPERATE),
    NavLink(_("Supervisor"), "console:supervisor_home", Perm.KPIS_VIEW),
    NavLink(_("Lead oversight"), "console:lead_oversight", Perm.KPIS_VIEW),
    NavLink(_("KPIs"), "console:kpi_dashboard", Perm.KPIS_VIEW),
    NavLink(_("Wallboard"), "console:wallboard", Perm.CALLS_ALL),  # telephony, live
    NavLink(_("Audits"), "console:kpi_audits", Perm.AUDITS_RUN),
    NavLink(_("My work"), "console:my_work", Perm.OWN_WORK),  # own scorecard and audits
    NavLink(_("Training card"), "console:training_card", Perm.CONSOLE),  # every staff role
    NavLink(_("Manual order card"), "console:order_training_card", Perm.CONSOLE),  # SOP 001 §10
    NavLink(_("Agent errors"), "console:agent_errors", Perm.AUDITS_RUN),
    NavLink(_("Lead imports"), "console:import_list", Perm.LEADS_IMPORT),
    NavLink(_("Exports"), "console:export_page", Perm.DATA_EXPORT),
    NavLink(_("Audit log"), "console:audit_log", Perm.AUDIT_LOG_VIEW),  # S3
    NavLink(_("Back office"), "console:admin_home", Perm.SETTINGS_MANAGE),
    NavLink(_("Customer data"), "console:customer_privacy", Perm.CUSTOMER_DATA_RIGHTS),  # S4
    NavLink(_("Webhooks"), "outbound:endpoints", Perm.WEBHOOKS_MANAGE),  # issue 20
    NavLink(_("Django admin"), "admin:index", Perm.SETTINGS_MANAGE),
)


def nav_links_for(user) -> list[NavLink]:
    held = permissions_of(user)
    return [link for link in NAV_LINKS if link.perm in held]
