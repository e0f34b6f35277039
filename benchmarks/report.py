"""Figures, their floors and targets: one readable table on stdout and one JSON file per run."""

from __future__ import annotations

import json
import platform
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent / "out"


@dataclass
class Figure:
    section: str
    name: str
    value: float | int | str | None
    unit: str = ""
    beside: str = ""  # the floor or comparison figure, as text
    target: str = ""
    ok: bool | None = None  # None: informational
    details: dict = field(default_factory=dict)


def unavailable(section: str, what: str) -> Figure:
    return Figure(section=section, name=f"not available yet: {what}", value=None)


def _value_text(figure: Figure) -> str:
    value = figure.value
    if value is None:
        return "-"
    if isinstance(value, float):
        text = f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = str(value)
    return f"{text} {figure.unit}".strip()


def render(figures: list[Figure]) -> str:
    headers = ("measurement", "value", "beside (floor)", "target", "")
    rows = []
    for figure in figures:
        verdict = "" if figure.ok is None else ("ok" if figure.ok else "MISSED")
        rows.append((f"{figure.section}: {figure.name}", _value_text(figure), figure.beside, figure.target, verdict))
    widths = [max(len(str(row[index])) for row in [headers, *rows]) for index in range(len(headers))]
    line = "  ".join("-" * width for width in widths)
    out = ["  ".join(str(cell).ljust(width) for cell, width in zip(headers, widths, strict=True)), line]
    previous_section = None
    for figure, row in zip(figures, rows, strict=True):
        if previous_section is not None and figure.section != previous_section:
            out.append("")
        previous_section = figure.section
        out.append("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return "\n".join(out)


def machine() -> dict:
    def run(argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603
        except (OSError, subprocess.CalledProcessError):
            return ""

    return {
        "nproc": run(["nproc"]),
        "free_h": run(["free", "-h"]),
        "uptime": run(["uptime"]),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def write_json(*, scale: float, figures: list[Figure], context: dict) -> Path:
    OUT_DIR.mkdir(exist_ok=True)
    stamp = context["started_at"].replace(":", "").replace("-", "")
    payload = {"scale": scale, **context, "figures": [asdict(figure) for figure in figures]}
    path = OUT_DIR / f"bench-scale{scale:g}-{stamp}.json"
    text = json.dumps(payload, indent=2, default=str)
    path.write_text(text)
    (OUT_DIR / f"latest-scale{scale:g}.json").write_text(text)
    return path
