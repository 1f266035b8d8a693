from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SALES = "sales", _("Sales agent")  # works the lead queue, calls, follow-ups, manual orders
    CX = "cx", _("CX agent")  # tickets: inquiries, complaints, disputes, order not found
    OPS = "ops", _("Operations")  # vendors, slots, pickups, inspection, payment
    SUPERVISOR = (
        "supervisor",
        _("Supervisor"),
    )  # KPIs, scorecards, audits, escalations, restrictions
    ADMIN = "admin", _("Admin")  # back office: catalog, prices, service areas, SOP settings, users
    APP = "app", _("Customer app (API client)")  # public self-service orders over the API
    VENDOR = "vendor", _("Vendor (API client)")  # a field partner's pickups, inspections, payments

    @classmethod
    def staff_roles(cls) -> list[str]:
        return [cls.SALES, cls.CX, cls.OPS, cls.SUPERVISOR, cls.ADMIN]

    @classmethod
    def client_roles(cls) -> list[str]:
        return [cls.APP, cls.VENDOR]


class ConsoleLanguage(models.TextChoices):
    """The language of an agent's console (issue 18, "Hindi in the console"). The codes are
    Django's language codes (settings.LANGUAGES); the labels are each language's own name."""

    ENGLISH = "en-in", "English"
    HINDI = "hi", "हिन्दी (Hindi)"
