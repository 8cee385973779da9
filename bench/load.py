"""Load benchmark (not a test): N concurrent chat sessions against a launched `rag ui` on 127.0.0.1
for a bounded time, with the configured (real) models. Appends a table to docs/benchmarks.md.

    .venv/bin/python -m bench.load --sessions 20 --seconds 60
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "When is Xi Jinping expected to visit the United States?", "两国元首预计什么时候再次会晤？",
    "What does the article say about Track II dialogues?", "特朗普何时访华？", "Who wrote this article?",
]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = ap.parse_args(argv)
    import tempfile

    from gradio_client import Client

    from bench.run import machine, make_app
    from ingest.indexer import indexer_for
    from rag.settings import DEFAULT_CORPUS
    from ui.local import running_ui

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp), fake=False)
        indexer_for(app).write([indexer_for(app).prepare_path(DEFAULT_CORPUS)], progress=False)
        app.warm_up()
        done: list[tuple[float, bool]] = []
        errors: list[str] = []
        deadline = time.time() + args.seconds
        with running_ui(app) as url:
            def session(i: int) -> None:
                try:
                    c = Client(url, verbose=False)
                    j = 0
                    while time.time() < deadline:
                        q = QUESTIONS[(i + j) % len(QUESTIONS)]
                        t = time.time()
                        r = c.predict(q, "", api_name="/ask")
                        ok = r.get("question") == q and bool(r.get("answer")) and "error" not in r
                        done.append((time.time() - t, ok))
                        j += 1
                except Exception as e:  # noqa: BLE001
                    errors.append(f"{type(e).__name__}: {e}")

            threads = [threading.Thread(target=session, args=(i,)) for i in range(args.sessions)]
            t0 = time.time()
            for t in threads:
                t.start()
            for t in threads:
                t.join(args.seconds + 300)
            wall = time.time() - t0
    lat = sorted(d for d, _ in done)
    ok = sum(1 for _, k in done if k)
    p = lambda q: lat[min(len(lat) - 1, int(q * (len(lat) - 1)))] if lat else float("nan")  # noqa: E731
    table = (
        f"\n### load: {args.sessions} concurrent sessions, {args.seconds:.0f} s window (real models)\n\n"
        f"Machine: {machine()}.\n\n| measure | value |\n|---|---|\n"
        f"| answers completed (all sessions drained in {wall:.0f} s) | {len(done)} |\n"
        f"| complete and returned to the asking session | {ok} of {len(done)} |\n"
        f"| errors | {len(errors)} |\n"
        f"| latency per answer p50 / p95 (queueing included) | {p(0.5):.1f} / {p(0.95):.1f} s |\n"
        f"| throughput | {len(done) / wall * 60:.1f} answers/minute |\n"
    )
    print(table)
    with open(args.out, "a", encoding="utf-8") as f:
        f.write(table)


if __name__ == "__main__":
    main()
