"""Which language a console page speaks (issue 18, "Hindi in the console").

The console's chrome speaks the signed-in agent's language (``accounts.User.language``,
activated by ``accounts.middleware.LanguageMiddleware``). A page *for the customer* (the CSAT
survey) speaks the customer's (``Customer.language``): Hindi for a Hindi speaker, else the
default English, since the catalogue has no other language yet.
"""

from __future__ import annotations

from django.conf import settings
from django.template.response import TemplateResponse
from django.utils import translation

HINDI = "hi"


def customer_page_language(customer) -> str:
    language = getattr(customer, "language", "") if customer is not None else ""
    return HINDI if language == HINDI else settings.LANGUAGE_CODE


def render_for_customer(request, customer, template: str, context: dict, *, status: int = 200):
    """Render ``template`` now, in ``customer``'s language (a TemplateResponse renders after
    the view returns, when the override would be gone)."""
    language = customer_page_language(customer)
    with translation.override(language):
        response = TemplateResponse(request, template, context, status=status)
        response.render()
    response.headers["Content-Language"] = language
    return response
