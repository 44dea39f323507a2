"""The WSGI application that `northline serve` runs under gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "northline.settings")

application = get_wsgi_application()
