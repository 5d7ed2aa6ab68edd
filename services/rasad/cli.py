"""The ``rasad`` command line: one console script, one sub-command per module.

Each module in :data:`COMMAND_MODULES` exposes ``register(subparsers)``, which adds its
sub-command and sets ``func`` to a callable taking the parsed arguments and returning the
exit status. Expected failures (:class:`RasadError`) print one line on stderr and exit
non-zero; no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from rasad import __version__
from rasad.common.errors import RasadError

COMMAND_MODULES: tuple[str, ...] = (
    "rasad.stack.cli",
    "rasad.schemas",
    "rasad.replay",
    "rasad.ingest.cli",
    "rasad.alerting.cli",
    "rasad.extract.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rasad", description="Watch the news and alert on what changes.")
    parser.add_argument("--version", action="version", version=f"rasad {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except RasadError as exc:
        print(f"rasad {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"rasad {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`rasad ... | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
