"""py-spy on a running process: sampled stacks folded, and the functions that take the time."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path


def start_profiler(pid: int, seconds: int, out: Path) -> subprocess.Popen[bytes] | None:
    """``py-spy record`` of ``pid`` for ``seconds`` into folded stacks (None without py-spy)."""
    binary = shutil.which("py-spy")
    if binary is None:
        return None
    cmd = [binary, "record", "-p", str(pid), "-d", str(seconds), "-r", "50", "-f", "raw", "-o", str(out)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def top_functions(folded: str, limit: int = 15) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """(own, inclusive) shares of the samples per function, largest first (pure)."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in folded.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [
            f.split(" (")[0] + " (" + f.split(" (")[1].split(":")[0] + ")" if " (" in f else f
            for f in stack.split(";")
        ]
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    if total == 0:
        return [], []
    return (
        [(name, n / total) for name, n in own.most_common(limit)],
        [(name, n / total) for name, n in inclusive.most_common(limit * 3)],
    )
