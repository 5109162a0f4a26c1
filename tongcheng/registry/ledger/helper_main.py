"""An import helper process (ledger.helpers), run as
`python -m tongcheng.registry.ledger.helper_main`.

Frames (8-byte length, then a pickle) come on stdin — first the setup, then chunks of rows —
and answers go out on stdout. Anything else that would print goes to stderr. The helper ends
when its stdin ends (the importing process closed it, or died); the importing process kills
it (SIGKILL) when its import fails.

The imports of Django and of the ledger are inside `main`: stdout must be taken for the
answers before anything can print, and the ledger's modules need Django set up first.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    tasks = sys.stdin.buffer
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongcheng.settings")
    import django
    from django.conf import settings

    # The API framework (and pydantic under it) is of no use here: 12 MB less per helper.
    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != "ninja"]
    django.setup()
    import gc

    from tongcheng.registry.ledger.helpers import receive_frame, serve

    # A helper makes no reference cycles worth collecting; its collector would only walk
    # Django's objects again and again (lib/gcpause.py).
    gc.freeze()
    gc.disable()

    packed = receive_frame(tasks)
    if packed is not None:
        serve(packed, tasks, answers)


if __name__ == "__main__":
    main()
