"""A sentence ending in a colon and the block it introduces join the context together (the lead-in stage)."""

from __future__ import annotations

import re

import pytest

from ingest.indexer import indexer_for
from rag.answer.leadin import cut, unit
from rag.types import Document, DocumentMeta, Paragraph
from tests.conftest import make_app, state_after


def _doc(*kinds_texts: tuple[str, str], lang: str = "en") -> Document:
    paras = tuple(Paragraph("d", lang, n, text, kind=kind) for n, (kind, text) in enumerate(kinds_texts, 1))
    return Document("d", "d.md", DocumentMeta(title="d"), paras)


DOC = _doc(
    ("heading", "Deploy"),
    ("prose", "First, install FastChat:"),
    ("code", 'pip install "fschat[model_worker,webui]"'),
    ("prose", "You will be assigned some additional rights, such as:"),
    ("list", "Tag the issue"),
    ("list", "Close the issue"),
    ("prose", "That is all."),
    ("list", "A list no sentence introduces"),
    ("prose", "A sentence that ends in a colon before prose:"),
    ("prose", "Prose."),
)


def test_a_lead_in_and_its_block_are_one_unit_from_either_half():
    assert [p.n for p in unit(DOC, "en", 2)] == [2, 3]
    assert [p.n for p in unit(DOC, "en", 3)] == [2, 3]
    assert [p.n for p in unit(DOC, "en", 6)] == [4, 5, 6]  # a list item brings its lead-in and siblings


def test_no_unit_without_a_colon_or_without_a_block():
    assert unit(DOC, "en", 8) == []  # a list no sentence introduces
    assert unit(DOC, "en", 9) == []  # a colon before prose
    assert unit(DOC, "en", 7) == [] and unit(DOC, "en", 1) == [] and unit(DOC, "zh", 2) == []


def test_a_long_block_keeps_its_first_and_last_lines():
    log = "\n".join(f"[09:44:{i:02d}] Starting task {i}" for i in range(40)) + "\nCssSyntaxError in plugin"
    short = cut(log, 200)
    assert len(short) <= 200 + 3 and short.startswith("[09:44:00]") and short.endswith("CssSyntaxError in plugin")
    assert "\n…\n" in short and cut("short", 200) == "short"
    assert len(cut("x" * 1000, 100)) < 110  # one long line: cut by characters


def _app(settings, tmp_path, replies=None, **update):
    readme = tmp_path / "deploy.md"
    readme.write_text(
        "# Deploy\n\nYou can use FastChat to launch a web demo. First, install FastChat:\n\n"
        '```bash\npip install "fschat[model_worker,webui]"\n```\n\n'
        "After you become a collaborator, you will be assigned some additional rights, such as:\n\n"
        "- Tag the issue\n- Close the issue\n- Create branches\n\n## Other\n\nThe harbor bulletin says nothing more.\n",
        encoding="utf-8")
    app = make_app(settings.model_copy(update={"pair_margin": 0.0, **update}), replies)
    indexer_for(app).write([indexer_for(app).prepare_path(readme)], progress=False)
    return app


def test_the_block_a_retrieved_lead_in_introduces_is_in_the_context(settings, tmp_path):
    """Retrieval finds the sentence ("install FastChat:"); the command is in the block after it. With the
    stage switched off the command is not in the context (so the test can fail)."""
    q = "How do I install FastChat?"
    for on in (True, False):
        state = state_after(_app(settings, tmp_path, leadins=on), q, docs=["deploy"])
        assert any("install FastChat:" in h.text for h in state.context)
        assert ("fschat[model_worker,webui]" in state.sources) is on
        if on:  # in document order, labelled, citable
            lines = state.sources.splitlines()
            i = next(i for i, x in enumerate(lines) if "install FastChat:" in x)
            assert re.match(r"\[EN ¶\d+\] pip install", lines[i + 1])


def test_a_retrieved_list_item_brings_its_lead_in_and_siblings(settings, tmp_path):
    state = state_after(_app(settings, tmp_path), "Can a collaborator close the issue?", docs=["deploy"])
    texts = [h.text for h in state.context]
    assert any(t.endswith("such as:") for t in texts) and {"Tag the issue", "Close the issue"} <= set(texts)
    assert all(h.score == state.pairs[0].score for h in state.context if h.paragraph > 0)


def test_a_block_the_context_holds_in_the_other_version_is_not_repeated():
    """Code both versions write alike is shown once; a block is brought whole or cut while at least
    MIN_BLOCK characters are left, and a further block only whole."""
    from rag.answer.leadin import MIN_BLOCK, _bring

    zh = _doc(("prose", "首先，请安装FastChat："), ("code", 'pip install "fschat[model_worker,webui]"'), lang="zh")
    have: set = {'pip install "fschat[model_worker,webui]"'}  # the English twin, already in the context
    hits, left = _bring(unit(zh, "zh", 1), have, 600, 0.5)
    assert [h.paragraph for h in hits] == [1] and left == 600
    hits, left = _bring(unit(DOC, "en", 4), set(), MIN_BLOCK - 1, 0.5)
    assert [h.paragraph for h in hits] == [4]  # the lead-in alone: no room for its items
    hits, left = _bring(unit(DOC, "en", 4), set(), len("Tag the issue") + MIN_BLOCK, 0.5)
    assert [h.paragraph for h in hits] == [4, 5, 6] and left == MIN_BLOCK - len("Close the issue")


def test_a_negative_budget_is_a_bad_setting_not_a_silent_off_switch(monkeypatch):
    from rag.errors import ConfigError
    from rag.settings import get_settings

    monkeypatch.setenv("RAG_LEADIN_CHARS", "-1")
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigError, match="RAG_LEADIN_CHARS"):
            get_settings()
    finally:
        get_settings.cache_clear()


def test_a_retrieved_table_row_brings_its_lead_in_but_not_the_other_rows(settings, tmp_path):
    """A row reads alone; the rows before it are about other properties and cost prompt time. The lead-in
    still joins; a list item (above) still brings its siblings."""
    doc = tmp_path / "button.md"
    rows = "".join(f"| {name} | {what} |\n" for name, what in [
        ("autoInsertSpace", "Add a space between two Chinese characters by default"), ("block", "Fit the button width to its parent width"),
        ("classNames", "Customize the class of each semantic structure inside the component"),
        ("danger", "Syntactic sugar that sets the danger status of the button")])
    doc.write_text("# Button\n\nThe properties of the button are as follows:\n\n| Property | Description |\n|---|---|\n" + rows, encoding="utf-8")
    app = make_app(settings.model_copy(update={"pair_margin": 0.0, "top_k": 2}))
    indexer_for(app).write([indexer_for(app).prepare_path(doc)], progress=False)
    state = state_after(app, "What is the danger property of a button for?", docs=["button"])
    texts = [h.text for h in state.context]
    assert any("danger status" in t for t in texts) and any(t.endswith("as follows:") for t in texts)
    assert not any("autoInsertSpace" in t for t in texts), texts
