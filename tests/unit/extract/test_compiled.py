"""The engine's modules compiled by ``make compile`` give what their Python sources give.

The compiled side runs as the package imports (extension modules first); the pure side runs in
a child process that imports the engine's modules from their sources
(:func:`rasad.extract.bench.use_sources`). Without compiled modules only the finder is checked.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rasad.extract.bench import ENGINE_MODULES, compiled_modules

ARTICLES = Path(__file__).parents[2] / "data" / "articles"

# Prints, as one JSON list, the engine modules' files, then each article's full extraction.
_RUN = """
import datetime, json, sys
from pathlib import Path
if sys.argv[1] == "pure":
    from rasad.extract.bench import use_sources
    use_sources()
import importlib
from rasad.extract.engine import extract
out = [importlib.import_module("rasad.extract." + name).__file__ for name in sys.argv[3:]]
for path in sorted(Path(sys.argv[2]).glob("*.jsonl")):
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            article = json.loads(line)
            published = article.get("published_at")
            extraction = extract(
                article["text"],
                article_id=article["id"],
                lang=article.get("lang"),
                published_at=datetime.datetime.fromisoformat(published) if published else None,
            )
            out.append(path.name + " " + extraction.model_dump_json())
print(json.dumps(out))
"""


def run(mode: str) -> tuple[list[str], list[str]]:
    """The engine modules' files and every article's extraction, ``pure`` or as installed."""
    done = subprocess.run(
        [sys.executable, "-c", _RUN, mode, str(ARTICLES), *ENGINE_MODULES],
        check=True,
        capture_output=True,
        text=True,
    )
    out = json.loads(done.stdout)
    return out[: len(ENGINE_MODULES)], out[len(ENGINE_MODULES) :]


def any_compiled() -> bool:
    return any(state != "pure" for state in compiled_modules().values())


def test_use_sources_imports_every_engine_module_from_its_source() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _RUN, "pure", str(ARTICLES / "none"), *ENGINE_MODULES],
        check=True,
        capture_output=True,
        text=True,
    )
    files = json.loads(done.stdout)
    assert [Path(f).name for f in files] == [name.split(".")[-1] + ".py" for name in ENGINE_MODULES]


@pytest.mark.skipif(not any_compiled(), reason="no compiled engine module (make compile builds them)")
def test_compiled_modules_are_built_from_the_current_sources() -> None:
    assert compiled_modules() == dict.fromkeys(ENGINE_MODULES, "compiled")


@pytest.mark.skipif(not any_compiled(), reason="no compiled engine module (make compile builds them)")
def test_compiled_and_pure_engines_give_identical_output_on_every_article() -> None:
    compiled_files, compiled = run("installed")
    pure_files, pure = run("pure")
    assert all(f.endswith(".so") for f in compiled_files), compiled_files
    assert all(f.endswith(".py") for f in pure_files), pure_files
    assert len(compiled) == len(pure) > 80
    for one, other in zip(compiled, pure, strict=True):
        assert one == other
