"""`hjemmel chat`: a terminal conversation. Keeps the turns and passes them as history to `ask`.

Commands inside the chat: `/rolle NAVN` changes role, `/ny` starts over, `/avslutt` (or Ctrl-D) quits.
"""

from __future__ import annotations

import argparse
import sys

from assistant.records import ROLES, Turn
from assistant.settings import Settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--role", default="alle", choices=ROLES, help="din rolle (standard: alle)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.api import Assistant, IndexMissingError
    from assistant.commands.ask import format_answer

    try:
        assistant = Assistant.load(settings)
    except IndexMissingError as exc:
        print(f"hjemmel chat: {exc}", file=sys.stderr)
        return 1
    role: str = args.role
    history: list[Turn] = []
    print(f"hjemmel – rolle: {role}. Skriv /rolle NAVN, /ny eller /avslutt.")
    while True:
        try:
            question = input("> ").strip()
        except EOFError:
            print()
            return 0
        if not question:
            continue
        if question in ("/avslutt", "/exit", "/quit"):
            return 0
        if question == "/ny":
            history.clear()
            print("Ny samtale.")
            continue
        if question.startswith("/rolle"):
            wanted = question.removeprefix("/rolle").strip()
            if wanted in ROLES:
                role = wanted
                print(f"Rolle: {role}")
            else:
                print(f"Ukjent rolle. Gyldige: {', '.join(ROLES)}")
            continue
        answer = assistant.ask(question, role=role, history=history)
        print(format_answer(answer) + "\n")
        history.append(Turn(question, answer.text, refused=answer.refused))
