from django import template

register = template.Library()


@register.filter
def join_if_list(value) -> str:
    """A before or after value of an admin change: lists as "a, b"."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) if value else "none"
    if value in (None, ""):
        return "none"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)
