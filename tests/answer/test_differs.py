"""The answer's line on where the two versions disagree (#35), with fakes: the note function over a
document whose alignment is given (what the real embedder finds for this pair), and both answer paths
over a real Chroma index in a temp dir with the fake embedder and the rule-based fake model."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from rag.answer.differs import discrepancy_note
from rag.diff import discrepancies
from rag.types import Citation

DATA = Path(__file__).resolve().parent.parent / "data"  # fees.en.md, fees.zh.md: a fees table and a payment term
# EN ¶5 (the oil tanker's row) has no Chinese counterpart; EN ¶6 ↔ ZH ¶5 differ in the payment term
LINKS = ((1, 1), (2, 2), (3, 3), (4, 4), (6, 5))


@pytest.fixture
def fees(settings):
    """An app over the fees pair with the alignment above."""
    from ingest.indexer import indexer_for
    from rag.compose import App
    from rag.index.embedder import FakeEmbedder
    from rag.llm import FakeBackend

    apps = []

    def make():
        app = App(settings, embedder=FakeEmbedder(), chat_backend=FakeBackend())
        doc = indexer_for(app).prepare_pair(DATA / "fees.en.md", DATA / "fees.zh.md", "fees")
        doc = replace(doc, alignment=LINKS, unaligned=(("en", 5),), similarity=tuple((a, b, 0.9) for a, b in LINKS))
        indexer_for(app).write([doc], progress=False)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close()


def _cited(*keys: tuple[str, int]) -> list[Citation]:
    return [Citation("fees", lang, n, "") for lang, n in keys]  # type: ignore[arg-type]


def test_a_cited_paragraph_with_other_numbers_gets_one_line_quoting_both_versions(fees):
    doc = fees().store.get_document("fees")
    found = discrepancies(doc)
    note = discrepancy_note(_cited(("en", 6)), doc, found, "en")
    assert note.line == "The Chinese version says 45 [ZH ¶5]; the English version says 30 [EN ¶6]."
    assert [c.label for c in note.citations] == ["ZH ¶5", "EN ¶6"] and "45 天内" in note.citations[0].text
    assert note.check.outcome == "noted" and note.check.reason.startswith("numbers discrepancy EN ¶6 ↔ ZH ¶5")
    zh = discrepancy_note(_cited(("zh", 5)), doc, found, "zh")
    assert zh.line == "英文版写的是 30 [EN ¶6]；中文版写的是 45 [ZH ¶5]。"
    assert discrepancy_note(_cited(("zh", 5)), doc, found, "zh-Hant").line.startswith("英文版寫的是 30")


def test_a_cited_paragraph_the_other_version_lacks_is_said_to_have_no_counterpart(fees):
    doc = fees().store.get_document("fees")
    found = discrepancies(doc)
    note = discrepancy_note(_cited(("en", 5)), doc, found, "en")
    assert note.line == "The Chinese version has no counterpart of this paragraph [EN ¶5]."
    assert note.check.reason.startswith("missing discrepancy EN ¶5 ↔ no ZH")
    # numbers before missing when the answer cites both; nothing for paragraphs that agree
    assert "30" in discrepancy_note(_cited(("en", 5), ("en", 6)), doc, found, "en").line
    assert discrepancy_note(_cited(("en", 4), ("zh", 4), ("en", 2)), doc, found, "en") is None
    assert discrepancy_note([Citation("other", "en", 6, "")], doc, found, "en") is None


def test_a_cited_answer_ends_with_the_line_and_records_it(fees):
    app = fees()
    ans = app.pipeline.answer("Within how many days is payment due after arrival?")
    assert not ans.refused and "30 days" in ans.text
    last = ans.text.rstrip().splitlines()[-1]
    assert last == "The Chinese version says 45 [ZH ¶5]; the English version says 30 [EN ¶6]."
    assert {"ZH ¶5", "EN ¶6"} <= {c.label for c in ans.citations}
    assert [c.outcome for c in ans.checks].count("noted") == 1
    assert ans.to_json()["checks"][-1]["outcome"] == "noted"


def test_an_answer_from_a_row_the_other_version_lacks_says_so_and_one_that_agrees_says_nothing(fees):
    app = fees()
    ans = app.pipeline.answer("What is the fee per day for an oil tanker?")
    assert "1,500 dollars" in ans.text
    assert ans.text.rstrip().endswith("The Chinese version has no counterpart of this paragraph [EN ¶5].")
    agree = app.pipeline.answer("From which date do the fees below apply to every ship?")  # 1 March 2024 = 2024 年 3 月 1 日
    assert "1 March 2024" in agree.text and "version" not in agree.text
    assert not [c for c in agree.checks if c.outcome == "noted"]
