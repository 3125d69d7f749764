"""The production entry point (gunicorn iceinfo.wsgi)."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iceinfo.settings")
application = get_wsgi_application()

# A server started without a real secret key would sign sessions with a public one.
if not settings.DEBUG and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY before serving with DJANGO_DEBUG unset.")
