"""``python -m analyzer.training --cuad DIR [--stage tfidf|encoder|all] [--output DIR]``."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from analyzer.training.run import add_arguments, train


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analyzer.training",
                                     description="Train the clause classifier artifact from CUAD.")
    add_arguments(parser)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    train(Path(args.cuad), stage=args.stage, output=args.output, threads=args.threads, options=vars(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
