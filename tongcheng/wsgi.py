"""The WSGI application gunicorn serves (gunicorn.conf.py, docs/deploy.md).

Requests for the phone platform's webhook (settings.MACHINE_PATHS) go through a second Django
handler whose middleware is settings.MACHINE_MIDDLEWARE: the same URLconf, views, API, security
headers, request ids, access log, body limits and language, without what only a person's
browser needs (sessions, CSRF, login, messages, the session limits and the pages' access
policy, which lets every unauthenticated API request through to the API's own checks anyway;
the webhook checks its platform's signature). The platform's bursts then cost a sixth less CPU
per delivery (docs/performance.md). Every other request takes the whole chain.
"""

import os
import re
from collections.abc import Callable, Iterable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongcheng.settings")
site = get_wsgi_application()


class MachineHandler(WSGIHandler):
    """Django's handler with settings.MACHINE_MIDDLEWARE as its middleware."""

    def load_middleware(self, is_async: bool = False) -> None:
        everything = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.MACHINE_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = everything


machine = MachineHandler()
MACHINE_PATHS = re.compile("|".join(f"(?:{pattern})" for pattern in settings.MACHINE_PATHS))


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    handler = machine if MACHINE_PATHS.fullmatch(environ.get("PATH_INFO", "")) else site
    return handler(environ, start_response)


# Import the URLconf, and with it every view and the API, now: gunicorn loads this module once
# in its master (preload_app), so no worker's first request waits a second for the imports.
import_module(settings.ROOT_URLCONF)
