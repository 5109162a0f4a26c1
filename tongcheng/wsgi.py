import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongcheng.settings")
application = get_wsgi_application()
# Import the URLconf, and with it every view and the API, now: gunicorn loads this module once
# in its master (preload_app), so no worker's first request waits a second for the imports.
import_module(settings.ROOT_URLCONF)
