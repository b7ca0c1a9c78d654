from decimal import Decimal

from django import template

from directory import people

register = template.Library()


@register.filter
def person_name(user) -> str:
    """A person's name in Chinese order (family name first), else the username."""
    return people.person_name(user)


@register.filter
def tab_title(page_title, site_title) -> str:
    """A browser tab's title: the page's own title, a middle dot, the site's name (待办任务 · 景德镇法律援助)."""
    page_title = " ".join(str(page_title).split())
    return f"{page_title} · {site_title}" if page_title else str(site_title)


@register.filter
def yuan(amount) -> str:
    """Yuan as Chinese pages write them: "¥1,500.00"; empty for no amount."""
    if amount is None or amount == "":
        return ""
    return f"¥{Decimal(amount).quantize(Decimal('0.01')):,.2f}"
