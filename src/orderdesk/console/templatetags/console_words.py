from django import template
from django.utils.html import format_html

from orderdesk.console.wording import SHOW_CODES_TO, sentence

register = template.Library()


@register.simple_tag(takes_context=True)
def in_words(context, code):
    """The sentence for a problem code; supervisors and admins get the code as a tooltip."""
    user = context.get("user")
    if getattr(user, "role", None) in SHOW_CODES_TO:
        return format_html('<span title="{}" data-code="{}">{}</span>', code, code, sentence(code))
    return sentence(code)
