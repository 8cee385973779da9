"""The answer's line on where the two versions disagree (#35), with fakes: the note function over a
document whose alignment is given (what the real embedder finds for this pair), and both answer paths
over a real Chroma index in a temp dir with the fake embedder and the rule-based fake model."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from rag.answer.differs import discrepancy_note, discrepancy_notes
from rag.diff import discrepancies
from rag.types import Citation, Document, DocumentMeta, Paragraph

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
    # the paragraph cited first first, one line each; nothing for paragraphs that agree
    lines = [n.line for n in discrepancy_notes(_cited(("en", 5), ("en", 6)), doc, found, "en")]
    assert lines == ["The Chinese version has no counterpart of this paragraph [EN ¶5].",
                     "The Chinese version says 45 [ZH ¶5]; the English version says 30 [EN ¶6]."]
    assert "30" in discrepancy_note(_cited(("en", 6), ("en", 5)), doc, found, "en").line
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


def _pair(en: str, zh: str) -> Document:
    ps = (Paragraph("d", "en", 1, en, ("Speed",), "prose"), Paragraph("d", "zh", 1, zh, ("速度",), "prose"))
    return Document("d", "d.en.md + d.zh.md", DocumentMeta(title="D"), ps, alignment=((1, 1),),
                    similarity=((1, 1, 0.9),))


def test_a_fact_only_the_other_version_states_is_quoted_from_it_sentence_and_all():
    doc = _pair("The evaluation runs on one A100 GPU. It uses PyTorch 2.0.1 and CUDA 11.4 on x86_64. Speed is averaged.",
                "评测运行于单张 A100 GPU。速度取平均值。")
    found = discrepancies(doc)
    cited = [Citation("d", "zh", 1, ""), Citation("d", "en", 1, "")]
    notes = discrepancy_notes(cited, doc, found, "zh")
    # one line, not one per kind (the numbers, then the name x86_64)
    assert [n.line for n in notes] == ["英文版还写道：“It uses PyTorch 2.0.1 and CUDA 11.4 on x86_64.” [EN ¶1]"]
    assert [c.label for c in notes[0].citations] == ["EN ¶1"]
    assert discrepancy_notes(cited, doc, found, "zh-Hant")[0].line.startswith("英文版還寫道：“It uses PyTorch")
    # read in English, the same numbers are the reader's own: the line says the other version lacks them
    (en,) = discrepancy_notes(cited, doc, found, "en")
    assert en.line == "The English version says 2.0.1, 11.4 [EN ¶1]; the Chinese version does not [ZH ¶1]."


def test_the_quote_runs_from_the_first_to_the_last_sentence_stating_a_value_and_names_alone_quote_too():
    doc = _pair("Install it with pip. Then run `rag serve` on port 8080. Open the page.",
                "用 pip 安装。然后运行 `rag serve`。打开页面。")
    (note,) = discrepancy_notes([Citation("d", "zh", 1, "")], doc, discrepancies(doc), "zh")
    assert note.line == "英文版还写道：“Then run `rag serve` on port 8080.” [EN ¶1]"
    doc = _pair("Models come from PyPI. We pin them by hash. The hash is sha256.",
                "模型来自 PyPI，用 models_pull 下载。我们按哈希固定版本。哈希是 sha256。")
    (note,) = discrepancy_notes([Citation("d", "en", 1, "")], doc, discrepancies(doc), "en")
    assert note.line == "The Chinese version also says: “模型来自 PyPI，用 models_pull 下载。” [ZH ¶1]"
    # a name only the reader's own version writes makes no line
    assert discrepancy_notes([Citation("d", "zh", 1, "")], doc, discrepancies(doc), "zh") == []
