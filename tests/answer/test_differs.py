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
    # above it, the Chinese version's wording of the quoted paragraph (its twin's sentence nearest the question)
    assert "\n\nThe Chinese version writes: “付款须在抵港后 45 天内完成；” [ZH ¶5]\n\n" in ans.text
    assert [c.outcome for c in ans.checks].count("noted") == 2
    assert ans.to_json()["checks"][-1]["outcome"] == "noted"


def test_an_answer_from_a_row_the_other_version_lacks_says_so_and_one_that_agrees_says_nothing(fees):
    app = fees()
    ans = app.pipeline.answer("What is the fee per day for an oil tanker?")
    assert "1,500 dollars" in ans.text
    assert ans.text.rstrip().endswith("The Chinese version has no counterpart of this paragraph [EN ¶5].")
    agree = app.pipeline.answer("From which date do the fees below apply to every ship?")  # 1 March 2024 = 2024 年 3 月 1 日
    assert "1 March 2024" in agree.text and "says" not in agree.text and "counterpart" not in agree.text
    (twin,) = [c for c in agree.checks if c.outcome == "noted"]  # the Chinese wording only, no discrepancy
    assert twin.sentence.startswith("The Chinese version writes: “") and twin.reason == "ZH ¶2: the other version of EN ¶2"


def _twin_pair(zh_text: str, en_text: str, en_kind: str = "prose", heading: str = "基准"):
    from rag.answer.units import build_units
    from rag.index.retrieve import PairHit
    from rag.types import Document, DocumentMeta, Hit, Paragraph

    paras = (Paragraph("b", "zh", 1, zh_text, (heading,)), Paragraph("b", "en", 1, en_text, ("Benchmark",), kind=en_kind))
    doc = Document("b", "b.md", DocumentMeta(), paras, alignment=((1, 1),))
    hit = PairHit("b", Hit("b", "en", 1, en_text, 0.9), Hit("b", "zh", 1, zh_text, 0.9), 0.9)
    return build_units([hit], lambda _: doc, "zh")


def test_the_other_version_s_wording_of_the_answer_is_its_twin_s_sentence_nearest_the_question():
    """The first quoted unit's twin, the sentence nearest the question by the embedder (a fact only that
    version states is often there: 覆盖率 below), verbatim and cited; nothing when the answer already
    shows that text, or the twin is code."""
    from eval.support import unsupported
    from rag.answer.differs import twin_says
    from rag.index.embedder import FakeEmbedder

    e = FakeEmbedder()
    zh = "我们使用 Jest 进行单元测试和覆盖率测试。快照测试也在 CI 中运行。"
    units = _twin_pair(zh, "We use Jest for unit tests.")
    units_en = [replace(u, lang="en", paragraphs=u.twins, twins=u.paragraphs) for u in units]
    note = twin_says(units_en, e.embed_query("Jest 覆盖率"), e.embed_documents, "en")
    assert note.line == "The Chinese version writes: “我们使用 Jest 进行单元测试和覆盖率测试。” [ZH ¶1]"
    assert [c.label for c in note.citations] == ["ZH ¶1"] and note.check.outcome == "noted"
    assert twin_says(units_en, e.embed_query("快照测试 CI"), e.embed_documents, "en").line.endswith("“快照测试也在 CI 中运行。” [ZH ¶1]")
    assert unsupported(f"We use Jest for unit tests. [EN ¶1]\n\n{note.line}", ["We use Jest for unit tests.", zh]) == []
    assert twin_says(_twin_pair("中文。", "print(1)", en_kind="code"), e.embed_query("x"), e.embed_documents, "zh") is None
    same = _twin_pair("Jest 9", "Jest 9")  # an untranslated paragraph: its twin says nothing the answer does not
    assert twin_says(same, e.embed_query("Jest"), e.embed_documents, "zh") is None
    # a later quoted unit's twin, when its sentence is the nearest
    other = [replace(u, id=2, paragraphs=(replace(u.paragraphs[0], n=2, text="GPU 很多。"),),
                     twins=(replace(u.twins[0], n=2, text="There are eight GPUs on the benchmark machine."),)) for u in same]
    note = twin_says([*units, *other], e.embed_query("benchmark GPUs machine"), e.embed_documents, "zh")
    assert note.line == "英文版写作：“There are eight GPUs on the benchmark machine.” [EN ¶2]" and note.check.reason == "EN ¶2: the other version of ZH ¶2"
