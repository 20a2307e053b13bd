"""`hjemmel serve [--host] [--port] [--insecure-no-login]`: start the chat page (127.0.0.1:7860).

Only parses arguments and hands over to `ui.app`; login users come from settings/environment
(`ui.auth`), the guard (hosts, rights, limits, headers) from `ui.server` and `ui.guard`. It binds to localhost unless told otherwise, and
refuses a host beyond loopback without login unless --insecure-no-login is given: the questions may
be confidential. Log records are redacted (`assistant.redact`) before they are written.
"""

from __future__ import annotations

import argparse
import os
import sys

from assistant.redact import install_log_redaction
from assistant.settings import Settings
from ui.auth import AuthConfigError
from ui.server import LOOPBACK, ServeConfigError, launch_options


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default=None, help="Adresse å lytte på (standard: 127.0.0.1, bare denne maskinen)"
    )
    parser.add_argument("--port", type=int, default=None, help="Port (standard: 7860)")
    parser.add_argument(
        "--insecure-no-login",
        action="store_true",
        help="tillat en adresse utenfor denne maskinen uten innlogging (bare i lukkede nett)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    host = args.host or settings.host
    port = args.port or settings.port
    install_log_redaction()
    insecure = bool(getattr(args, "insecure_no_login", False))
    try:
        launch_options(settings, host, insecure)  # fail before the index is opened
    except (AuthConfigError, ServeConfigError) as exc:
        print(f"hjemmel serve: {exc}", file=sys.stderr)
        return 2
    if insecure and host not in LOOPBACK:
        print(f"hjemmel serve: advarsel: siden er åpen på {host} uten innlogging.", file=sys.stderr)
    if host not in LOOPBACK and not settings.allowed_hosts.strip():
        print(
            "hjemmel serve: merk: siden svarer bare på adressen den lytter på og localhost. "
            "Sett HJEMMEL_ALLOWED_HOSTS=navn (maskinnavnet eller adressen brukerne skriver) for "
            "å nå den fra nettet.",
            file=sys.stderr,
        )
    from ui.app import create_app, launch

    demo = create_app(settings)
    shown = "127.0.0.1" if host == "0.0.0.0" else host
    print(f"Åpne http://{shown}:{port}/ i nettleseren. Stopp siden med Ctrl+C.", flush=True)
    launch(demo, settings, host=host, port=port, block=True, insecure_no_login=insecure)
    return 0
