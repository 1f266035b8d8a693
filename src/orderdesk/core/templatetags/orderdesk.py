from django import template

from orderdesk.core.masking import mask_text
from orderdesk.core.money import format_inr
from orderdesk.core.phones import display_phone, mask_phone
from orderdesk.core.places import landmark_phrase

register = template.Library()


@register.filter
def inr(amount):
    return format_inr(amount)


@register.filter
def masked_phone(e164):
    return mask_phone(e164)


@register.filter
def phone(e164):
    return display_phone(e164)


@register.filter
def landmark(text):
    """``near Forum Mall``, without doubling a preposition the agent typed."""
    return landmark_phrase(text)


@register.filter
def masked_text(text):
    """Free text with phone numbers, UPI IDs and account numbers masked (S2, issue 21, 7)."""
    return mask_text(text or "")
