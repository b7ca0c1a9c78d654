"""Test settings: the project's settings with a test-only key and fast password hashing."""

import os

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

from config.settings import *  # noqa: F403
from config.settings import DATABASES, INSTALLED_APPS, SQLITE_ENGINE

# A flow that exists only in the tests (tests/flowkit): it joins the task layer like any new flow.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.flowkit"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Tests run with the real locmem cache unless a Redis URL is given explicitly.
if DATABASES["default"]["ENGINE"] == SQLITE_ENGINE:
    DATABASES["default"].setdefault("TEST", {})
