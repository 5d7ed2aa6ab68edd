"""The benchmark's results: a table on stdout, JSON, and a PNG of latency against load."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

STAGES = ("enriched", "counted")
ALL_STAGES = (*STAGES, "alert")


def fmt(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.0f} ms" if unit == "s" and value < 1 else f"{value:.2f} {unit}"


def table(results: dict[str, Any]) -> str:
    ceiling = results["transport"]["end_to_end_per_s"]
    lines = [
        f"transport ceiling (kafka-python produce+consume, {results['transport']['records']} records of "
        f"{results['transport']['bytes_per_record']:.0f} B): {ceiling:.0f} records/s; "
        f"{results.get('processor_workers', 1)} processor worker(s)",
        "",
        f"{'offered/s':>9} {'articles':>8} {'ingested/s':>10} {'sustained/s':>11} {'ratio':>6} "
        f"{'enriched p50/p95/p99':>26} {'counted p50/p95/p99':>26} {'alert p50/p95/p99 (spikes)':>32}",
    ]
    for level in results["levels"]:
        cells = [
            " / ".join(fmt(level["latency"][stage][q]) for q in ("p50", "p95", "p99")) for stage in ALL_STAGES
        ]
        alerts = level["alerts"]
        lines.append(
            f"{level['offered_per_s']:>9} {level['articles']:>8} {level['ingested_per_s'] or 0:>10.0f} "
            f"{level['sustained_per_s'] or 0:>11.0f} {level['ratio_to_transport'] or 0:>6.3f} "
            f"{cells[0]:>26} {cells[1]:>26} {cells[2]:>24} ({alerts['fired']}/{alerts['spikes']})"
        )
    return "\n".join(lines)


def write_json(results: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    levels = results["levels"]
    loads = [level["offered_per_s"] for level in levels]
    figure, axis = plt.subplots(figsize=(7, 4.5))
    styles = {"p50": "-", "p95": "--", "p99": ":"}
    for stage, colour in zip(STAGES, ("tab:blue", "tab:orange"), strict=True):
        for q, style in styles.items():
            points = [(x, level["latency"][stage][q]) for x, level in zip(loads, levels, strict=True)]
            shown = [(x, y) for x, y in points if y is not None and y > 0]
            axis.plot(*zip(*shown, strict=True), style, marker="o", color=colour, label=f"ingest→{stage} {q}")
    for q, style in styles.items():
        points = [(x, level["latency"]["alert"][q]) for x, level in zip(loads, levels, strict=True)]
        shown = [(x, y) for x, y in points if y is not None and y > 0]
        if shown:
            axis.plot(
                *zip(*shown, strict=True), style, marker="s", color="tab:red", label=f"ingest→alert {q}"
            )
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xticks(loads, [str(x) for x in loads])
    axis.set_xlabel("offered load (articles/s)")
    axis.set_ylabel("latency (s)")
    axis.set_title("rasad end to end on one 2-core machine")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=7, loc="upper left")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
