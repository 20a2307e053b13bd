"""`hjemmel serve [--host] [--port]`: start the chat page on 127.0.0.1:7860 by default.

Only parses arguments and hands over to `ui.app`; login users come from settings/environment.
It deliberately binds to localhost unless told otherwise: the questions may be confidential.
"""

from __future__ import annotations

import argparse
import os
import sys

from assistant.settings import Settings
from ui.auth import AuthConfigError, load_users


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default=None, help="Adresse å lytte på (standard: 127.0.0.1, bare denne maskinen)"
    )
    parser.add_argument("--port", type=int, default=None, help="Port (standard: 7860)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    host = args.host or settings.host
    port = args.port or settings.port
    try:
        users = load_users(settings)
    except AuthConfigError as exc:
        print(f"hjemmel serve: {exc}", file=sys.stderr)
        return 2
    if host not in ("127.0.0.1", "localhost", "::1") and not users:
        print(
            f"hjemmel serve: advarsel: siden er åpen på {host} uten innlogging "
            "(sett HJEMMEL_USERS eller users_file).",
            file=sys.stderr,
        )
    from ui.app import create_app, launch

    demo = create_app(settings)
    print(f"Åpne http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}/ i nettleseren.")
    launch(demo, settings, host=host, port=port, block=True)
    return 0
