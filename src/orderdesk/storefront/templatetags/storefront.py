from django import template

register = template.Library()


@register.filter
def cell(mapping, key):
    """``grid.cells|cell:window|cell:day``: a dict lookup by a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None
