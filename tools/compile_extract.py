"""Compile the extraction engine's hot modules (and the events layer's) into C extensions with
mypyc, in place.

    python tools/compile_extract.py           # `make compile`
    python tools/compile_extract.py --clean   # `make clean-compiled`

The Python sources stay the source of truth and run as they are without this step. Built, the
extension modules (``<module>.cpython-*.so`` beside each source of
:data:`rasad.extract.bench.ENGINE_MODULES`, plus the shared library
``rasad/extract/_compiled__mypyc.cpython-*.so`` that holds their code: one group, so that calls
between them are native) take precedence over the sources at import. ``compiled.json`` records
the SHA-256 of each source compiled: :func:`rasad.extract.bench.compiled_modules` reports a
module whose source changed since as stale (``make bench-extract`` says so, and a unit test
fails on it). Every build starts by removing what an earlier one left, and the generated C and
object files go to a temporary directory. Run from anywhere; the mypy configuration is the
project's (``pyproject.toml``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "services"))  # this tree's package, whichever one is installed

from rasad.extract.bench import ENGINE_MODULES as MODULES  # noqa: E402
from rasad.extract.bench import PACKAGE_DIR, STAMP, source_of  # noqa: E402

# One group: calls between the modules are native; its code is in one shared library.
GROUP = "rasad.extract._compiled"


def built_files() -> list[Path]:
    """Every file a build leaves in the package."""
    sources = [source_of(m) for m in MODULES] + [PACKAGE_DIR / "_compiled__mypyc.py"]
    found = [p for source in sources for p in source.parent.glob(f"{source.stem}.*.so")]
    return sorted(found) + ([STAMP] if STAMP.exists() else [])


def clean() -> int:
    for path in built_files():
        path.unlink()
        print(f"removed {path.relative_to(ROOT)}")
    return 0


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build() -> int:
    from mypyc.build import mypycify
    from setuptools import setup

    clean()
    sources = [source_of(m) for m in MODULES]
    hashes = {m: digest(p) for m, p in zip(MODULES, sources, strict=True)}
    with tempfile.TemporaryDirectory(prefix="rasad-mypyc-") as tmp:
        os.chdir(ROOT)  # mypy reads its configuration from pyproject.toml here
        extensions = mypycify(
            [str(p.relative_to(ROOT)) for p in sources],
            opt_level="3",
            group_name=GROUP,
            target_dir=str(Path(tmp) / "c"),
        )
        os.chdir(tmp)  # so that setuptools does not read the project's own configuration
        setup(
            name="rasad-extract-compiled",
            package_dir={"": str(ROOT / "services")},
            packages=[],
            ext_modules=extensions,  # type: ignore[arg-type]  # mypyc returns distutils and setuptools extensions
            script_args=["-q", "build_ext", "--inplace", "--build-temp", str(Path(tmp) / "obj"), "-j", "2"],
        )
        os.chdir(ROOT)
    STAMP.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    for path in built_files():
        print(f"built {path.relative_to(ROOT)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clean", action="store_true", help="remove the built extensions and stop")
    args = parser.parse_args(argv)
    return clean() if args.clean else build()


if __name__ == "__main__":
    sys.exit(main())
