"""``python -m benchmarks [--quick | --tiny] [--out FILE.json]``: run every benchmark.

Prints the table of medians and ratios and writes it as JSON (and Markdown beside it).
Exits 1 when the engines disagree on an answer or a measure fails; a missed target is a
result, not a failure.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .harness import MODES, RESULTS_DIR, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="careerkg side by side with oxigraph serve, pyoxigraph, rdflib and "
        "networkx on the seed graph, O*NET and a generated ESCO-sized graph.",
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true",
                      help="a tenth of the ESCO size and fewer repetitions (about 2 minutes)")
    size.add_argument("--tiny", action="store_true",
                      help="a hundredth of the ESCO size, no O*NET, few repetitions "
                      "(the smoke test)")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "latest.json",
                        help="JSON file to write (Markdown is written beside it) "
                        "[default: benchmarks/results/latest.json]")
    parser.add_argument("--size", dest="sizes", action="append",
                        choices=["seed", "onet", "esco", "onet-29.2", "build"],
                        help="measure only this size (repeatable; build: `careerkg build` of "
                        "data/, wall and CPU time)")
    parser.add_argument("--work", type=Path, default=None,
                        help="scratch directory for the stores [default: benchmarks/.data/run]")
    parser.add_argument("--keep", action="store_true",
                        help="keep the scratch stores afterwards (to profile against them)")
    args = parser.parse_args(argv)
    mode = MODES["quick" if args.quick else "tiny" if args.tiny else "full"]
    return run(mode, args.out, work=args.work, keep=args.keep, sizes=args.sizes)


if __name__ == "__main__":
    sys.exit(main())
