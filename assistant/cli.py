"""The `hjemmel` command: a thin argparse shell that dispatches to one module per subcommand.

Each subcommand lives in its own module exposing `configure(parser)` and `run(args, settings) -> int`;
this file only lists them, loads settings once and turns errors into clear messages and exit codes
(a Chroma server that does not answer: one line, exit code 3).
Modules are imported lazily so `hjemmel --help` stays fast and a missing optional part only affects
its own subcommand.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from assistant.settings import Settings, SettingsError

# name -> (module, one-line Norwegian help)
COMMANDS: dict[str, tuple[str, str]] = {
    "ingest": ("assistant.commands.ingest", "Les inn dokumenter og bygg indeksen"),
    "passages": ("assistant.commands.passages", "List avsnittene i indeksen"),
    "bench": ("assistant.commands.bench", "Mål tidsbruk (ingest, ask)"),
    "ask": ("assistant.commands.ask", "Still ett spørsmål (eller en batch)"),
    "chat": ("assistant.commands.chat", "Samtale i terminalen"),
    "serve": ("ui.serve", "Start nettsiden"),
    "users": ("ui.users_command", "Legg til eller fjern brukere for innlogging"),
    "eval": ("evals.command", "Kjør evalueringssettet"),
    "train": (
        "evals.train_command",
        "Tren rangeringen på evalueringssettene (med kryssvalidering)",
    ),
    "verify": ("assistant.commands.verify", "Sjekk et sitat mot kildene"),
    "refs": ("assistant.commands.refs", "List lovhenvisninger i kildene"),
}


def _module(name: str) -> ModuleType:
    return importlib.import_module(COMMANDS[name][0])


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hjemmel",
        description="Kildebundne svar om taushetsplikt og isolasjon i fengsel.",
    )
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO")
    for name, (_, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if only is None or only == name:
            _module(name).configure(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # hjemmel's embedder sets its own thread count on every call (HJEMMEL_THREADS, ingest.embed);
    # this default keeps other libraries' OpenMP pools (torch, BLAS) from competing with it.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    # Idle OpenMP threads spin briefly, then sleep (bench ask, 2 cores, p50/p95 of an answer):
    # GNU OpenMP's default spin made a query 510 ms p50 while another process held one core;
    # never spinning (OMP_WAIT_POLICY=PASSIVE) cost 31/39 ms on a quiet machine; 1,000 spins
    # give 17/24 ms quiet and 34/46 ms beside a busy core.
    os.environ.setdefault("GOMP_SPINCOUNT", "1000")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    first = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(only=first if first in COMMANDS else "")
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        settings = Settings.load()
    except SettingsError as exc:
        print(f"hjemmel: {exc}", file=sys.stderr)
        return 2
    from ingest.store import StoreUnavailableError

    try:
        code: int = _module(args.command).run(args, settings)
    except StoreUnavailableError as exc:
        # One line, not a traceback: the user can do nothing with Chroma's internals.
        print(f"hjemmel {args.command}: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error for the user.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code


if __name__ == "__main__":
    raise SystemExit(main())
