from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import roles


def site(request):
    """The site's title and, read only when a page shows it, the menu fitting the user's roles."""
    return {
        "site_title": settings.SITE_TITLE,
        "site_menu": SimpleLazyObject(lambda: roles.menu(request)),
    }
