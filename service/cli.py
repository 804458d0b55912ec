"""The command line: `python -m service <commande> …`, made from commands.COMMANDS.

Settings come from the environment (settings.py: SERVICE_*, COMMENTS_*, LETTRE_*,
REDACTION_*). Messages are in French, for the Caf's staff.
"""

import argparse
import sys
from typing import IO

from service import commands
from service.app import assemble
from service.settings import Settings, load


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m service", description="Modération des commentaires."
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="commande")
    for command in commands.COMMANDS:
        sub = subparsers.add_parser(command.name, help=command.help, description=command.help)
        for arg in command.args:
            name = f"--{arg.name.replace('_', '-')}" if arg.option else arg.name
            options = {"help": arg.help}
            if arg.kind == "flag":
                options["action"] = "store_true"
            else:
                options["type"] = {"ids": int, "id": int, "int": int}.get(arg.kind, arg.parse)
                if arg.kind == "ids":
                    options["nargs"] = "+"
                if arg.option:
                    options["default"] = arg.default
                if arg.choices:
                    options["choices"] = arg.choices
            if arg.option:
                options["dest"] = arg.name
            sub.add_argument(name, **options)
    return parser


def run(settings: Settings, argv: list[str], out: IO = sys.stdout) -> int:
    """Run one command line; return the exit status (0 done, 1 refused)."""
    args = vars(_parser().parse_args(argv))
    command = commands.BY_NAME[args.pop("command")]
    return commands.execute(assemble(settings), command, args, out)


def main(argv: list[str] | None = None) -> None:
    sys.exit(run(load(), sys.argv[1:] if argv is None else argv))
