"""Extraction throughput on one core: ``python -m rasad.extract.bench``.

Runs sample articles, repeated, through, in the same process and run (by default the five seed
articles of the shared corpus, about 5.7 KB each, the size the throughput goal is stated for;
``--sets`` picks other evaluation sets):

* the floor: normalization plus a single pass of the automaton over each text (over the
  boundary text it reads, as the engine runs it), nothing else;
* the engine without events (entities and weapons) and with events (the full extraction);

and prints articles/s, MB/s (UTF-8 bytes of the texts), the ratio of each to the floor, and
the time to load the gazetteer and build the automaton from the data files.

It also says whether the engine's hot modules (:data:`ENGINE_MODULES`) run compiled (``make
compile`` builds them with mypyc) or as Python. When they run compiled, the engine stages are
run again, in a child process that imports the Python sources instead (``--pure``), so the
compiled and pure figures come from the same run.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

# Only modules that are never compiled are imported here: ``--pure`` must install its finder
# before the engine's modules are first imported.
from rasad.extract import gazetteer, lexicon

__all__ = ["ENGINE_MODULES", "PACKAGE_DIR", "STAMP", "compiled_modules", "main", "source_of", "use_sources"]

PACKAGE = "rasad.extract"
PACKAGE_DIR = Path(__file__).resolve().parent
# The modules ``make compile`` (tools/compile_extract.py) builds, named under rasad.extract, in
# dependency order: the engine's, then the events layer's.
ENGINE_MODULES = (
    "normalize",
    "matcher",
    "boilerplate",
    "people",
    "headed",
    "engine",
    "events.lexicon",
    "events.numbers",
    "events.clauses",
    "events.places",
    "events.dates",
    "events.casualties",
    "events.modality",
    "events.roles",
    "events.merge",
    "events.finder",
)
# The SHA-256 of each source as compiled, written by the build.
STAMP = PACKAGE_DIR / "compiled.json"


def compiled_modules() -> dict[str, str]:
    """Each engine module's state: ``compiled`` (an extension module is built from the current
    source), ``stale`` (built from a source that has changed since) or ``pure`` (none built)."""
    try:
        built: dict[str, str] = json.loads(STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        built = {}
    states = {}
    for name in ENGINE_MODULES:
        source_path = source_of(name)
        if not any(source_path.parent.glob(f"{source_path.stem}.*.so")):
            states[name] = "pure"
            continue
        source = hashlib.sha256(source_path.read_bytes()).hexdigest()
        states[name] = "compiled" if built.get(name) == source else "stale"
    return states


def source_of(name: str) -> Path:
    """The Python source of an engine module named under rasad.extract (``events.finder``)."""
    return PACKAGE_DIR.joinpath(*name.split(".")).with_suffix(".py")


class _Sources(importlib.abc.MetaPathFinder):
    """Finds the engine's modules as their Python sources, ahead of any extension module."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        name = fullname.removeprefix(PACKAGE + ".")
        if name == fullname or name not in ENGINE_MODULES:
            return None
        return importlib.util.spec_from_file_location(fullname, source_of(name))


def use_sources() -> None:
    """Import the engine's modules from their Python sources from now on, compiled or not;
    call before any of them is imported."""
    loaded = [name for name in ENGINE_MODULES if f"{PACKAGE}.{name}" in sys.modules]
    if loaded:
        raise RuntimeError(f"already imported: {', '.join(loaded)}")
    sys.meta_path.insert(0, _Sources())


def _texts(paths: Sequence[Path]) -> list[str]:
    texts = []
    for path in paths:
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


def _engine_stages(texts: Sequence[str], rounds: int) -> dict[str, float]:
    from rasad.extract.engine import engine, extract

    engine()  # build the shared engine before timing
    return {
        "entities + weapons": _timed(
            lambda t: extract(t, article_id="bench", with_events=False), texts, rounds
        ),
        "full (with events)": _timed(lambda t: extract(t, article_id="bench"), texts, rounds),
    }


def _pure_stages(argv: Sequence[str]) -> dict[str, float]:
    """The engine stages measured in a child process that runs the Python sources."""
    child = [sys.executable, "-m", "rasad.extract.bench", *argv, "--pure"]
    done = subprocess.run(child, check=True, capture_output=True, text=True)
    stages: dict[str, float] = json.loads(done.stdout)
    return stages


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m rasad.extract.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="the articles' directory")
    parser.add_argument("--repeat", type=int, default=100, help="times the sample articles are repeated")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each stage; the best is kept")
    parser.add_argument("--sets", nargs="+", default=["seed"], help="evaluation sets whose articles are run")
    parser.add_argument(
        "--pure", action="store_true", help="run the engine from its Python sources; print its stages as JSON"
    )
    args = parser.parse_args(argv)
    if args.pure:
        use_sources()

    from rasad.extract.evaluate import DATA_DIR, SETS
    from rasad.extract.matcher import boundary_text, build, key_text
    from rasad.extract.normalize import normalize

    unknown = sorted(set(args.sets) - set(SETS))
    if unknown:
        parser.error(f"unknown set {', '.join(unknown)}; choose from {', '.join(sorted(SETS))}")
    sample = _texts([(args.data or DATA_DIR) / SETS[name][0] for name in args.sets])
    texts = sample * args.repeat
    if args.pure:
        print(json.dumps(_engine_stages(texts, args.rounds)))
        return 0

    start = time.perf_counter()
    loaded = gazetteer.load_from(gazetteer.DATA_DIR)
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    automaton = build(loaded, lexicon.load_from(lexicon.LEXICON_DIR)).automaton
    build_s = time.perf_counter() - start
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6

    def floor(text: str) -> None:
        for _ in automaton.iter(boundary_text(key_text(normalize(text).text))):
            pass

    states = compiled_modules()
    compiled = all(state == "compiled" for state in states.values())
    floor_s = _timed(floor, texts, args.rounds)
    engine_stages = _engine_stages(texts, args.rounds)
    label = "compiled" if compiled else "pure" if set(states.values()) == {"pure"} else "as imported"
    stages = {"floor (normalize + one automaton pass)": floor_s}
    stages.update({f"engine ({label}), {name}": seconds for name, seconds in engine_stages.items()})
    if compiled:
        stages.update({f"engine (pure), {name}": seconds for name, seconds in _pure_stages(argv).items()})

    avg_kb = megabytes * 1000 / len(texts)
    print(
        f"{len(texts)} articles ({len(sample)} samples of {'+'.join(args.sets)} x {args.repeat}), "
        f"{avg_kb:.1f} KB/article (UTF-8), one core"
    )
    print(
        f"gazetteer: {len(loaded)} records, load {load_s * 1000:.0f} ms, "
        f"automaton build {build_s * 1000:.0f} ms"
    )
    print(f"engine modules: {_describe(states)}")
    print(f"  {'stage':50} {'articles/s':>11} {'MB/s':>7} {'of floor':>9}")
    for name, seconds in stages.items():
        print(f"  {name:50} {len(texts) / seconds:11.0f} {megabytes / seconds:7.2f} {floor_s / seconds:9.2f}")
    if compiled:
        for name, seconds in engine_stages.items():
            pure = stages[f"engine (pure), {name}"]
            print(f"  compiled / pure, {name}: {pure / seconds:.2f}x")
    return 0


def _describe(states: dict[str, str]) -> str:
    if all(state == "compiled" for state in states.values()):
        return f"compiled with mypyc ({', '.join(states)})"
    if all(state == "pure" for state in states.values()):
        return "pure Python (`make compile` builds them with mypyc)"
    odd = ", ".join(f"{name} {state}" for name, state in states.items() if state != "compiled")
    return f"partly compiled ({odd}; run `make compile` again); timed as they import"


if __name__ == "__main__":
    sys.exit(main())
