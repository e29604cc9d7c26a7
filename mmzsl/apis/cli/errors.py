"""The one-line error of a command-line tool and how it is printed."""
import argparse
import difflib
import sys
from typing import Callable, Iterable, Optional, Sequence


class CLIError(Exception):
    """A bad input of a command-line tool.

    Args:
        what (str): what is wrong, naming the file or value.
        fix (str): how to fix it.
    """

    def __init__(self, what: str, fix: str) -> None:
        super().__init__(f'{what} — {fix}')
        self.what, self.fix = what, fix


def add_debug_flag(parser: argparse.ArgumentParser) -> None:
    """Add ``--debug``: full tracebacks instead of one-line errors."""
    parser.add_argument(
        '--debug',
        action='store_true',
        help='show the full traceback of an input error')


def run_cli(main: Callable[[], Optional[int]],
            argv: Optional[Sequence[str]] = None) -> None:
    """Run a tool's ``main`` and exit with its status.

    A :class:`CLIError` prints ``error: <what> — <fix>`` to stderr and exits
    with status 2 (the status argparse uses for a bad argument), unless
    ``--debug`` is among the arguments.
    """
    argv = sys.argv[1:] if argv is None else argv
    try:
        status = main()
    except CLIError as e:
        if '--debug' in argv:
            raise
        print(f'error: {e}', file=sys.stderr, flush=True)
        sys.exit(2)
    sys.exit(status or 0)


def close_match(name: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'X'?)`` or an empty string."""
    match = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ''


def listed(items: Sequence[str], n: int = 3) -> str:
    """The first ``n`` items, comma-separated, with ``…`` for the rest."""
    return ', '.join(items[:n]) + (', …' if len(items) > n else '')
