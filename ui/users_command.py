"""`hjemmel users add NAVN` / `hjemmel users remove NAVN`: manage the chat page's login users.

Writes salted scrypt hashes (`ui.auth.hash_password`) to the users file (`HJEMMEL_USERS_FILE`, or
`<HJEMMEL_HOME>/users.txt`), replacing an existing line for the same name and keeping the others.
The password is asked for twice without echo, or read from the first line of stdin with
--password-stdin (for scripts). It deliberately never prints or logs a password or a hash.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from assistant.settings import Settings
from ui.auth import MIN_PASSWORD_CHARS, WeakPasswordError, hash_password, users_path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["add", "remove"], help="legg til eller fjern en bruker")
    parser.add_argument("name", metavar="NAVN", help="brukernavnet")
    parser.add_argument(
        "--password-stdin", action="store_true", help="les passordet fra første linje på stdin"
    )


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(f"Passord (minst {MIN_PASSWORD_CHARS} tegn): ")
    if getpass.getpass("Gjenta passordet: ") != first:
        raise WeakPasswordError("Passordene er ikke like.")
    return first


def _write(path: Path, name: str, line: str | None) -> bool:
    """Replace (or with line=None remove) `name`'s line; True when a line for it existed."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    kept = [raw for raw in lines if raw.partition(":")[0].strip() != name]
    existed = len(kept) != len(lines)
    if line is not None:
        kept.append(line)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(kept) + "\n", encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return existed


def run(args: argparse.Namespace, settings: Settings) -> int:
    name = args.name.strip()
    if not name or ":" in name or "," in name:
        print("hjemmel users: brukernavnet kan ikke være tomt eller inneholde «:» eller «,».")
        return 2
    path = users_path(settings)
    if args.action == "remove":
        if not _write(path, name, None):
            print(f"hjemmel users: fant ingen bruker «{name}» i {path}", file=sys.stderr)
            return 1
        print(f"Fjernet «{name}» fra {path}.")
        return 0
    try:
        line = f"{name}:{hash_password(_read_password(args.password_stdin))}"
    except WeakPasswordError as exc:
        print(f"hjemmel users: {exc}", file=sys.stderr)
        return 2
    existed = _write(path, name, line)
    print(f"{'Oppdaterte' if existed else 'La til'} «{name}» i {path}.")
    return 0
