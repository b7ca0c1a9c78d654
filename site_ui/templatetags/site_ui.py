from django import template

register = template.Library()


@register.filter
def person_name(user) -> str:
    """A person's name in Chinese order (family name first, no space), else the username."""
    name = f"{user.last_name}{user.first_name}".strip()
    return name or user.get_username()
