"""Extraction throughput on one core: ``python -m rasad.extract.bench``.

Runs sample articles, repeated, through, in the same process and run (by default the five seed
articles of the shared corpus, about 5.7 KB each, the size the throughput goal is stated for;
``--sets`` picks other evaluation sets):

* the floor: normalization plus a single pass of the automaton over each text (over the
  boundary text it reads, as the engine runs it), nothing else;
* the engine without events (entities and weapons) and with events (the full extraction);

and prints articles/s, MB/s (UTF-8 bytes of the texts), the ratio of each to the floor, and
the time to load the gazetteer and build the automaton from the data files.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rasad.extract import gazetteer, lexicon
from rasad.extract.engine import engine, extract
from rasad.extract.evaluate import DATA_DIR, SETS
from rasad.extract.matcher import boundary_text, build, key_text
from rasad.extract.normalize import normalize

__all__ = ["main"]


def _texts(data_dir: Path, sets: Sequence[str]) -> list[str]:
    texts = []
    for name in sets:
        path = data_dir / SETS[name][0]
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    return texts


def _timed(work: Callable[[str], object], texts: Sequence[str], rounds: int) -> float:
    gc.collect()
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            work(text)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rasad.extract.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA_DIR)
    parser.add_argument("--repeat", type=int, default=100, help="times the sample articles are repeated")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each stage; the best is kept")
    parser.add_argument(
        "--sets",
        nargs="+",
        choices=sorted(SETS),
        default=["seed"],
        help="evaluation sets whose articles are run",
    )
    args = parser.parse_args(argv)

    start = time.perf_counter()
    loaded = gazetteer.load_from(gazetteer.DATA_DIR)
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    automaton = build(loaded, lexicon.load_from(lexicon.LEXICON_DIR)).automaton
    build_s = time.perf_counter() - start

    sample = _texts(args.data, args.sets)
    texts = sample * args.repeat
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    engine()  # build the shared engine before timing

    def floor(text: str) -> None:
        for _ in automaton.iter(boundary_text(key_text(normalize(text).text))):
            pass

    stages = {
        "floor (normalize + one automaton pass)": _timed(floor, texts, args.rounds),
        "engine, entities + weapons": _timed(
            lambda t: extract(t, article_id="bench", with_events=False), texts, args.rounds
        ),
        "engine, full (with events)": _timed(lambda t: extract(t, article_id="bench"), texts, args.rounds),
    }
    avg_kb = megabytes * 1000 / len(texts)
    print(
        f"{len(texts)} articles ({len(sample)} samples of {'+'.join(args.sets)} x {args.repeat}), "
        f"{avg_kb:.1f} KB/article (UTF-8), one core"
    )
    print(
        f"gazetteer: {len(loaded)} records, load {load_s * 1000:.0f} ms, "
        f"automaton build {build_s * 1000:.0f} ms"
    )
    floor_s = stages["floor (normalize + one automaton pass)"]
    print(f"  {'stage':42} {'articles/s':>11} {'MB/s':>7} {'of floor':>9}")
    for name, seconds in stages.items():
        print(f"  {name:42} {len(texts) / seconds:11.0f} {megabytes / seconds:7.2f} {floor_s / seconds:9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
