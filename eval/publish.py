"""Copy eval runs into docs/eval/<name>/ (report, summary, plots) so docs/eval.md can link them.

    .venv/bin/python -m eval.publish NAME=RUN_DIR [NAME=RUN_DIR ...]
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def publish(name: str, run_dir: Path) -> Path:
    dest = ROOT / "docs" / "eval" / name
    dest.mkdir(parents=True, exist_ok=True)
    for f in ("report.md", "summary.json", "results.jsonl", "accuracy_per_category.png", "recall_at_k.png", "latency.png"):
        if (run_dir / f).exists():
            shutil.copy(run_dir / f, dest / f)
    return dest


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        name, _, path = arg.partition("=")
        print(publish(name, Path(path)))
