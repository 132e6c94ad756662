"""Benchmark data for ``benchmarks.pages``: a thin wrapper of ``rukun bench-data``
(community/bench/data.py), kept so ``python -m benchmarks.generate`` still works.

    python -m benchmarks.generate [--scale kelurahan] [--database sqlite:///benchmarks/.data/bench.sqlite3]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from community.bench.data import BENCH_NOW, PASSWORD, SCALES, build

__all__ = ["BENCH_NOW", "DEFAULT_DB", "PASSWORD", "main"]

DEFAULT_DB = Path(__file__).resolve().parent / ".data" / "bench.sqlite3"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, default="kelurahan")
    parser.add_argument("--database", default=f"sqlite:///{DEFAULT_DB}")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    built = build(args.database, args.scale, seed=args.seed)
    print({**built.counts, "seconds": built.seconds})


if __name__ == "__main__":
    main()
