from django import template

from directory import people

register = template.Library()


@register.filter
def person_name(user) -> str:
    """A person's name in Chinese order (family name first), else the username."""
    return people.person_name(user)
