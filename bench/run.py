"""Benchmarks (not tests): writes a table to docs/benchmarks.md (or --out).

    .venv/bin/python -m bench.run                 # the full run (default models, 1k/10k/100k chunks)
    .venv/bin/python -m bench.run --tiny --fake   # seconds: a smoke run used by the test suite
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pct(vals, p):
    vals = sorted(vals)
    if not vals:
        return float("nan")
    i = (len(vals) - 1) * p / 100
    lo = int(i)
    hi = min(lo + 1, len(vals) - 1)
    return vals[lo] + (vals[hi] - vals[lo]) * (i - lo)


def machine() -> str:
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {mem} RAM, Python {platform.python_version()}"


def make_app(home: Path, fake: bool, **overrides):
    from rag.compose import App
    from rag.settings import Settings

    if fake:
        from rag.index.embedder import FakeEmbedder
        from rag.llm import FakeBackend

        return App(Settings(home=home, embedding_model="fake", llm_model="fake", **overrides), embedder=FakeEmbedder(), chat_backend=FakeBackend())
    return App(Settings(home=home, models_dir=Settings().models_path, **overrides))


def bench_ingest(app) -> dict:
    from ingest.chunk import chunk_document
    from ingest.indexer import indexer_for
    from rag.index.embedder import SentenceTransformerEmbedder
    from rag.settings import DEFAULT_CORPUS

    app.embedder.warm_up()  # loading the model is start-up, not ingest
    t0 = time.perf_counter()
    doc = indexer_for(app).prepare_path(DEFAULT_CORPUS)
    indexer_for(app).write([doc], progress=False)
    ours = time.perf_counter() - t0
    n_par = len(doc.paragraphs)
    texts = [c.text for c in chunk_document(doc, app.settings.chunk_chars)]
    emb = app.embedder
    bare = None
    if isinstance(emb, SentenceTransformerEmbedder):
        m = emb.model
        t1 = time.perf_counter()
        m.encode(texts, batch_size=app.settings.embedding_batch_size, prompt_name="document" if "document" in (m.prompts or {}) else None)
        bare = time.perf_counter() - t1
    return {"paragraphs": n_par, "chunks": len(texts), "seconds": ours, "paragraphs_per_s": n_par / ours,
            "bare_encode_s": bare, "ratio": (ours / bare) if bare else None}


def bench_query_embedding(app, n: int = 20) -> dict:
    qs = [f"What does the article say about topic number {i}?" for i in range(n)]
    app.embedder.embed_query("warm up")
    times = []
    for q in qs:
        t = time.perf_counter()
        app.embedder.embed_query(q)
        times.append((time.perf_counter() - t) * 1000)
    t = time.perf_counter()
    app.embedder.embed_query(qs[0])
    cached = (time.perf_counter() - t) * 1000
    return {"p50_ms": _pct(times, 50), "p95_ms": _pct(times, 95), "cached_ms": cached}


def _synthetic(n: int, dim: int, seed: int = 0):
    rnd = random.Random(seed)
    words_en = "trust dialogue nuclear stability summit trade defense security region alliance policy talks".split()
    words_zh = list("中美关系稳定对话核安全地区合作交流机制互信战略政府")
    for i in range(n):
        lang = "en" if i % 2 == 0 else "zh"
        text = " ".join(rnd.choices(words_en, k=40)) if lang == "en" else "".join(rnd.choices(words_zh, k=80))
        v = [rnd.gauss(0, 1) for _ in range(dim)]
        norm = sum(x * x for x in v) ** 0.5
        yield i, lang, text, [x / norm for x in v]


def bench_retrieval(app, sizes: list[int], queries: int = 20) -> list[dict]:
    """Real Chroma, the same code path as `rag search` (Retriever.paragraphs), query embedding excluded."""
    from rag.index.store import document_to_json
    from rag.types import Document, DocumentMeta, Paragraph

    dim = len(app.embedder.embed_query("x"))
    rows = []
    total = 0
    coll = app.client.get_collection(app.store.chunk_name)
    docs_coll = app.store.docs_coll
    vecs_q = [app.embedder.embed_query(f"query {i} about dialogue and trust") for i in range(queries)]
    orig_embed_query = app.embedder.embed_query
    for size in sizes:
        # grow the synthetic corpus to `size` chunks: 100 chunks per synthetic document
        batch_ids, batch_docs, batch_meta, batch_vecs = [], [], [], []
        paragraphs: dict[str, list[Paragraph]] = {}
        for i, lang, text, vec in _synthetic(size - total, dim, seed=total):
            gi = total + i
            doc_id = f"syn{gi // 100:05d}"
            n = (gi % 100) // 2 + 1
            paragraphs.setdefault(doc_id, []).append(Paragraph(doc_id, lang, n, text))
            batch_ids.append(f"{doc_id}:v:{lang}:{n}:0")
            batch_docs.append(text)
            batch_meta.append({"doc": doc_id, "lang": lang, "paragraph": n, "chunk": 0, "aligned": n, "source": "synthetic", "hash": "x", "version": f"v-{doc_id}"})
            batch_vecs.append(vec)
            if len(batch_ids) >= 1000:
                coll.add(ids=batch_ids, documents=batch_docs, metadatas=batch_meta, embeddings=batch_vecs)
                batch_ids, batch_docs, batch_meta, batch_vecs = [], [], [], []
        if batch_ids:
            coll.add(ids=batch_ids, documents=batch_docs, metadatas=batch_meta, embeddings=batch_vecs)
        recs = []
        for doc_id, paras in paragraphs.items():
            d = Document(doc_id, "synthetic", DocumentMeta(title=doc_id), tuple(paras), tuple((p.n, p.n) for p in paras if p.lang == "en"), (), f"v-{doc_id}", f"v-{doc_id}")
            recs.append((doc_id, document_to_json(d), {"version": f"v-{doc_id}", "title": doc_id, "source": "synthetic"}))
        for s in range(0, len(recs), 500):  # one upsert per 500 documents
            part = recs[s : s + 500]
            docs_coll.upsert(ids=[r[0] for r in part], documents=[r[1] for r in part], metadatas=[r[2] for r in part], embeddings=[[1.0, 0.0]] * len(part))
        total = size
        qi = iter(range(10**9))
        app.embedder.embed_query = lambda q: vecs_q[next(qi) % len(vecs_q)]  # exclude query embedding
        times = []
        try:
            app.retriever.paragraphs("warm up the lexical index", k=5)
            for i in range(queries):
                t = time.perf_counter()
                app.retriever.paragraphs(f"dialogue trust 对话 互信 {i}", k=5)
                times.append((time.perf_counter() - t) * 1000)
        except Exception as e:  # a failure at a size is a result too
            rows.append({"chunks": size, "error": f"{type(e).__name__}: {str(e)[:120]}"})
            print(f"retrieval at {size} chunks failed: {e}", file=sys.stderr, flush=True)
            break
        finally:
            app.embedder.embed_query = orig_embed_query
        rows.append({"chunks": size, "p50_ms": _pct(times, 50), "p95_ms": _pct(times, 95), **_naming(app, queries)})
        print(f"retrieval at {size} chunks: p50 {rows[-1]['p50_ms']:.1f} ms", file=sys.stderr, flush=True)
    return rows


def _naming(app, queries: int) -> dict:
    """What reading the document a question names costs (``Retriever.named``) over the library as it
    is, for a question that names the retrieved document (so every document's name is compared): the
    first call reads every document's titles (once per document version), later ones compare cached names."""
    versions = app.store.versions()
    top = min(versions)
    t = time.perf_counter()
    app.retriever.named(f"In {top}, what about dialogue and trust?", top, versions)
    cold = (time.perf_counter() - t) * 1000
    warm = []
    for i in range(queries):
        t = time.perf_counter()
        app.retriever.named(f"In {top}, what about dialogue {i}?", top, versions)
        warm.append((time.perf_counter() - t) * 1000)
    return {"docs": len(versions), "named_first_ms": cold, "named_p50_ms": _pct(warm, 50)}


def _answer_items(limit: int) -> list[dict]:
    from eval.runner import load_set

    return [it for it in load_set(ROOT / "eval" / "sets" / "seed.jsonl") if it.get("answerable", True)][:limit]


STAGE_MARKS = ("retrieve", "evidence", "select", "first_token", "total")  # AnswerPipeline.stream's marks


def bench_answers(app, limit: int, pipeline=None) -> dict:
    """First token and total over seed questions, and the p50 of each mark (ms from the
    question); ``pipeline``: another pipeline on the same models (the textbook one), same questions."""
    items = _answer_items(limit)
    app.warm_up()
    pipe = pipeline or app.pipeline
    pipe.answer(items[0]["question"])  # warm process: prompt cache and lazy state
    ft, tot, marks = [], [], {}
    for it in items:
        a = pipe.answer(it["question"])
        if not a.refused:
            ft.append(a.timings_ms.get("first_token", 0) / 1000)
            tot.append(a.timings_ms.get("total", 0) / 1000)
            for k, v in a.timings_ms.items():
                marks.setdefault(k, []).append(v)
    return {"questions": len(items), "answered": len(ft), "first_token_p50_s": _pct(ft, 50), "first_token_p95_s": _pct(ft, 95),
            "total_p50_s": _pct(tot, 50), "total_p95_s": _pct(tot, 95),
            "marks_p50_ms": {k: _pct(v, 50) for k, v in marks.items() if k in STAGE_MARKS}}


def _tokens(base_url: str, text: str) -> int:
    import httpx

    r = httpx.post(base_url.removesuffix("/v1") + "/tokenize", json={"content": text}, timeout=60)
    r.raise_for_status()
    return len(r.json()["tokens"])


def bench_prefill(app, limit: int) -> dict:
    """Where the first token's time goes: the prompt tokens of each model call (the fixed prefix
    llama.cpp keeps cached, and the rest it must read), and the measured prefill rate."""
    backend = app.chat_backend
    if not hasattr(backend, "base_url"):
        return {"error": "not the local model"}
    calls: list[tuple[str, str]] = []
    chat = app.pipeline.chat
    real_complete = chat.complete

    def recording(system, user, max_tokens=None, **bind):
        calls.append((system, user))
        return real_complete(system, user, max_tokens, **bind)

    chat.complete = recording
    try:
        for it in _answer_items(limit):
            app.pipeline.answer(it["question"])
    finally:
        chat.complete = real_complete
    url = backend.base_url
    from rag.answer import prompts

    # the select call's system text is fixed, the same for every question: llama.cpp keeps it cached
    prefixes = {pre: _tokens(url, pre) for pre in (prompts.load(lang)["select_system"] for lang in ("en", "zh"))}
    fixed = [next((n for pre, n in prefixes.items() if system.startswith(pre)), 0) for system, _ in calls]
    total = [_tokens(url, system) + _tokens(url, user) for system, user in calls]
    rate = _prefill_rate(real_complete, url)
    return {"calls": len(calls), "calls_per_question": len(calls) / max(1, limit), "fixed_tokens_p50": _pct(fixed, 50),
            "prompt_tokens_p50": _pct(total, 50), "read_tokens_p50": _pct([t - f for t, f in zip(total, fixed)], 50), **rate}


def _prefill_rate(complete, url: str) -> dict:
    """ms per prompt token: two fresh prompts (nothing cached) of different length, one token out."""
    def timed(words: int) -> tuple[float, int]:
        text = " ".join(f"w{random.randrange(10**6)}" for _ in range(words))
        t = time.perf_counter()
        complete("", text, 1)
        return (time.perf_counter() - t) * 1000, _tokens(url, text)
    (ms_a, n_a), (ms_b, n_b) = timed(40), timed(240)
    return {"prefill_ms_per_token": (ms_b - ms_a) / max(1, n_b - n_a)}


TIMES_JS = """() => {
  const chat = document.querySelector('#chat');
  window.__t = {};
  document.querySelector('#send').addEventListener('click', () => { window.__t = {click: performance.now()}; }, true);
  new MutationObserver(() => {
    const t = window.__t, now = performance.now();
    if (t.click === undefined) return;
    if (t.evidence === undefined && chat.querySelector('.evidence.coming')) t.evidence = now - t.click;
    if (t.token === undefined && chat.innerText.includes('▌')) t.token = now - t.click;
  }).observe(chat, {childList: true, subtree: true, characterData: true});
}"""


def bench_evidence_browser(app, limit: int) -> dict:
    """In Debian's chromium (Playwright), from the click on Ask: the evidence on screen, the first
    answer token on screen; seed questions other than the answer timings' (whose prompts llama.cpp
    would find cached), asked one after the other in one conversation."""
    from eval.runner import load_set
    from ui.local import running_ui

    if not Path("/usr/bin/chromium").exists():
        return {"error": "Debian chromium is not installed"}
    from playwright.sync_api import sync_playwright

    answerable = [it for it in load_set(ROOT / "eval" / "sets" / "seed.jsonl") if it.get("answerable", True)]
    items = answerable[limit : 2 * limit] or answerable[:limit]  # not the answer timings' questions: no prompt cache hits
    ev, tok = [], []
    with running_ui(app) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector("#question textarea")
        page.evaluate(TIMES_JS)
        for i, it in enumerate(items):
            page.fill("#question textarea", it["question"])
            page.click("#send")
            page.wait_for_function(f"() => document.querySelectorAll('#chat .answer, #chat .refusal').length > {i}", timeout=300_000)
            t = page.evaluate("() => window.__t")
            ev += [t["evidence"] / 1000] if "evidence" in t else []
            tok += [t["token"] / 1000] if "token" in t else []
        browser.close()
    return {"questions": len(items), "evidence_p50_s": _pct(ev, 50), "evidence_p95_s": _pct(ev, 95), "with_evidence": len(ev),
            "token_p50_s": _pct(tok, 50) if tok else None}


def bench_ui_rss(fake: bool) -> dict:
    """Peak RSS (VmHWM) of `rag ui` with both models loaded, after one question."""
    from ui.local import free_port

    home = Path(tempfile.mkdtemp(prefix="bench-ui-"))
    port = free_port()
    env = {**os.environ, "RAG_HOME": str(home), "RAG_UI_PORT": str(port)}
    if fake:
        env.update(RAG_EMBEDDING_MODEL="fake", RAG_LLM_MODEL="fake")
    rag = str(Path(sys.executable).with_name("rag"))
    subprocess.run([rag, "ingest"], env=env, check=True, capture_output=True)
    proc = subprocess.Popen([rag, "ui"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        from gradio_client import Client

        deadline = time.time() + 300
        client = None
        while time.time() < deadline:
            try:
                client = Client(f"http://127.0.0.1:{port}/", verbose=False)
                break
            except Exception:
                time.sleep(1)
        if client is None:
            raise RuntimeError("rag ui did not start")
        client.predict("When is Xi Jinping expected to visit the United States?", "", api_name="/ask")
        status = Path(f"/proc/{proc.pid}/status").read_text()
        hwm = next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmHWM"))
        return {"peak_rss_gb": hwm / 1024 / 1024}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def render(results: dict, label: str) -> str:
    r = results
    ing, qe, ans, rss = r["ingest"], r["query_embedding"], r.get("answers"), r.get("ui")
    lines = [f"### {label}", "", f"Machine: {r['machine']}. Models: {r['models']}. Date: {r['date']}.", "",
             "| measure | value | target |", "|---|---|---|"]
    lines.append(f"| ingest of the seed ({ing['paragraphs']} paragraphs, {ing['chunks']} chunks) | {ing['seconds']:.1f} s · {ing['paragraphs_per_s']:.1f} paragraphs/s | |")
    if ing.get("ratio"):
        lines.append(f"| ingest time / bare `SentenceTransformer.encode` ({ing['bare_encode_s']:.1f} s) | {ing['ratio']:.2f}× | ≤ 1.1× |")
    lines.append(f"| query embedding p50 / p95 (cache hit) | {qe['p50_ms']:.0f} / {qe['p95_ms']:.0f} ms ({qe['cached_ms']:.2f} ms) | |")
    base = r["retrieval"][0]["p50_ms"] if r["retrieval"] else None
    for row in r["retrieval"]:
        if "error" in row:
            lines.append(f"| retrieval at {row['chunks']:,} chunks | failed: {row['error']} | |")
            continue
        tgt = "≤ 20 ms and ≤ 2× the 1k figure" if row["chunks"] >= 100_000 else ""
        lines.append(f"| retrieval at {row['chunks']:,} chunks p50 / p95 (no query embedding) | {row['p50_ms']:.1f} / {row['p95_ms']:.1f} ms ({row['p50_ms'] / base:.1f}× 1k) | {tgt} |")
        if "named_p50_ms" in row:
            lines.append(f"| the named document over {row['docs']:,} documents, first question / later p50 | "
                         f"{row['named_first_ms']:.0f} / {row['named_p50_ms']:.2f} ms | |")
    if ans:
        lines += _answer_rows(ans, r.get("naive_answers"))
    ev = r.get("evidence_browser")
    if ev and "error" in ev:
        lines.append(f"| evidence on screen after Ask (browser) | not measured: {ev['error']} | ≤ 0.3 s p50 |")
    elif ev:
        first = f"; first answer token on screen p50 {ev['token_p50_s']:.1f} s" if ev.get("token_p50_s") is not None else ""
        lines.append(f"| evidence on screen after Ask, p50 / p95 (chromium, {ev['with_evidence']} of {ev['questions']}){first} "
                     f"| {ev['evidence_p50_s']:.2f} / {ev['evidence_p95_s']:.2f} s | ≤ 0.3 s p50 |")
    if rss:
        lines.append(f"| peak RSS of `rag ui`, both models loaded | {rss['peak_rss_gb']:.2f} GB | ≤ 4 GB |")
    return "\n".join(lines) + "\n" + _where_time_goes(r)


def _ratio(ours: float, naive: dict | None, key: str) -> str:
    return f" (textbook {naive[key]:.1f} s, **{ours / naive[key]:.2f}×**)" if naive and naive.get(key) else ""


def _answer_rows(ans: dict, naive: dict | None) -> list[str]:
    ft, tot = ans["first_token_p50_s"], ans["total_p50_s"]
    return [
        f"| time to first token p50 / p95 ({ans['answered']} answered of {ans['questions']}) | {ft:.1f} / {ans['first_token_p95_s']:.1f} s"
        f"{_ratio(ft, naive, 'first_token_p50_s')} | ≤ 2.0 s p50 |",
        f"| full answer p50 / p95 | {tot:.1f} / {ans['total_p95_s']:.1f} s{_ratio(tot, naive, 'total_p50_s')} | ≤ 6 s p50 |",
    ]


def _where_time_goes(r: dict) -> str:
    """The p50 of each mark (ms from the question), and the prompt the first token waits for."""
    ans, pre = r.get("answers") or {}, r.get("prefill") or {}
    marks = ans.get("marks_p50_ms") or {}
    if not marks:
        return ""
    out = ["", "Where an answer's time goes (p50 of each mark, ms after the question; answered questions):", "",
           "| " + " | ".join(marks) + " |", "|" + "---|" * len(marks), "| " + " | ".join(f"{v:.0f}" for v in marks.values()) + " |"]
    if pre and "error" not in pre:
        floor = pre["read_tokens_p50"] * pre["prefill_ms_per_token"]
        out += ["", f"Prompt of a model call, p50 over {pre['calls']} calls ({pre['calls_per_question']:.1f} per question): "
                f"{pre['prompt_tokens_p50']:.0f} tokens, of which {pre['fixed_tokens_p50']:.0f} are the fixed instructions "
                f"llama.cpp keeps cached and {pre['read_tokens_p50']:.0f} must be read; prefill measured at "
                f"{pre['prefill_ms_per_token']:.1f} ms per token: a floor of **{floor / 1000:.1f} s** before the first token."]
    return "\n".join(out) + "\n"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tiny", action="store_true", help="1k/2k chunks, 2 answers (a smoke run)")
    ap.add_argument("--fake", action="store_true", help="fake models (for the smoke test)")
    ap.add_argument("--label", default="current")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    ap.add_argument("--json", type=Path, default=None, help="also write raw numbers here")
    ap.add_argument("--skip-ui", action="store_true")
    ap.add_argument("--answers", type=int, default=None, help="questions for the answer timings")
    args = ap.parse_args(argv)
    sizes = [1_000, 2_000] if args.tiny else [1_000, 10_000, 100_000]
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        app = make_app(Path(tmp), args.fake)
        results = {"machine": machine(), "date": time.strftime("%Y-%m-%d"),
                   "models": "fake" if args.fake else f"{app.settings.embedding_model} + {app.settings.llm_model}"}
        results["ingest"] = bench_ingest(app)
        print(f"ingest: {results['ingest']}", file=sys.stderr, flush=True)
        results["query_embedding"] = bench_query_embedding(app)
        print(f"query embedding: {results['query_embedding']}", file=sys.stderr, flush=True)
        n = args.answers or (2 if args.tiny else 20)
        results["answers"] = bench_answers(app, n)
        print(f"answers: {results['answers']}", file=sys.stderr, flush=True)
        from eval.baselines import NaivePipeline

        results["naive_answers"] = bench_answers(app, n, NaivePipeline(app.retriever, app.chat_backend))
        print(f"textbook answers: {results['naive_answers']}", file=sys.stderr, flush=True)
        results["prefill"] = bench_prefill(app, min(n, 8))
        print(f"prefill: {results['prefill']}", file=sys.stderr, flush=True)
        retr_app = make_app(Path(tmp) / "retrieval", args.fake)
        retr_app._embedder = app.embedder
        results["retrieval"] = bench_retrieval(retr_app, sizes)
        if not args.skip_ui:
            results["evidence_browser"] = bench_evidence_browser(app, args.answers or (2 if args.tiny else 20))
            print(f"evidence in the browser: {results['evidence_browser']}", file=sys.stderr, flush=True)
    if not args.skip_ui:
        results["ui"] = bench_ui_rss(args.fake)
    section = render(results, args.label)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    replace_section(args.out, section)


def replace_section(out: Path, section: str) -> None:
    """Write ``section`` (a "### label" table) at the end of ``out``, replacing an older one of the same
    label and keeping the others (before/after)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    existing = out.read_text() if out.exists() else "# Benchmarks\n\nWritten by `python -m bench.run`. Timings are on the machine named in each table.\n\n"
    marker = section.split("\n", 1)[0]
    if marker in existing:
        head, _, tail = existing.partition(marker)
        rest = tail.split("\n### ", 1)
        existing = head + ("### " + rest[1] if len(rest) > 1 else "")
    out.write_text(existing.rstrip() + "\n\n" + section)
    print(section)


if __name__ == "__main__":
    main()
