"""The `northline` command (DESIGN §4)."""

import sys


def main(argv: list[str] | None = None) -> int:
    print("northline: not yet", file=sys.stderr)
    return 2
