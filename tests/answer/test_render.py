"""A unit only the other version has, written in the asker's language by the model and checked before
it is shown (``rag/answer/render.py``): the model is scripted, the embedder a stub."""

from __future__ import annotations

from rag.answer.chat import Chat
from rag.answer.render import Renderer, floor, unfaithful
from rag.answer.units import build_units
from rag.llm import FakeBackend
from rag.types import Document, DocumentMeta
from tests.answer.conftest import pair, small_doc


class Alike:
    """An embedder stub: every text the same vector, or (``apart``) two orthogonal ones."""

    def __init__(self, apart: bool = False) -> None:
        self.apart = apart

    def embed_documents(self, texts):
        return [[1.0, 0.0], [0.0, 1.0] if self.apart else [1.0, 0.0]][: len(texts)]


def test_a_rendering_may_state_no_number_or_name_its_unit_does_not():
    source = "Small boats pay 40 dollars a day at the Harbor Office."
    assert unfaithful(source, "en", "小船在港务处每天支付 40 美元。", "zh") == ""
    assert unfaithful(source, "en", "小船每天支付四十美元。", "zh") == ""  # 四十 = 40
    assert "50" in unfaithful(source, "en", "小船每天支付 50 美元。", "zh")
    assert "DashScope" in unfaithful(source, "en", "小船在 DashScope 每天支付 40 美元。", "zh")
    assert unfaithful(source, "en", "Small boats pay 40 dollars.", "zh").startswith("not written in Chinese")
    assert unfaithful(source, "en", "小船\n每天 40 美元", "zh") == "not one line"
    zh = "DolphinScheduler 的 Master 使用 ZooKeeper 分布式锁。"
    assert unfaithful(zh, "zh", "The Master of DolphinScheduler uses a ZooKeeper distributed lock.", "en") == ""
    assert "Etcd" in unfaithful(zh, "zh", "The Master of DolphinScheduler uses an Etcd lock.", "en")


def _other_version_unit():
    doc = small_doc()  # ZH ¶5 "只有中文。" has no English counterpart
    return doc, build_units([pair(doc, None, 5)], lambda _: doc, "en")[0]


def test_the_model_writes_the_unit_in_the_askers_language_and_the_line_is_kept_when_it_checks():
    doc, unit = _other_version_unit()
    backend = FakeBackend(["Only in Chinese."])
    got = Renderer(Chat(backend), Alike()).render(unit, "en", doc)
    assert got.check.outcome == "rendered" and got.line == "In English: Only in Chinese. [ZH ¶5]"
    assert got.check.outcome == "rendered" and "similarity 1.00" in got.check.reason
    system, user = (m.content for m in backend.llm.calls[0])
    assert "translate Chinese text into English" in system and user == "只有中文。"


def test_a_rendering_that_means_something_else_is_dropped_and_says_why():
    doc, unit = _other_version_unit()
    got = Renderer(Chat(FakeBackend(["Only in Chinese."])), Alike(apart=True)).render(unit, "en", doc)
    assert got.check.outcome == "dropped" and "similarity 0.00" in got.check.reason


def test_the_floor_is_what_all_but_the_least_alike_twentieth_of_the_documents_pairs_reach():
    sims = tuple((n, n, 0.5 + n / 100) for n in range(1, 21))
    assert 0.50 < floor(Document("d", "d.md", DocumentMeta(), (), similarity=sims)) < 0.52
    assert floor(Document("d", "d.md", DocumentMeta(), ())) == 0.6  # no pairs to learn it from


def test_only_short_units_of_the_other_version_that_are_not_code_are_rendered_at_most_two():
    doc = small_doc()
    units = build_units([pair(doc, 4, 4), pair(doc, None, 5)], lambda _: doc, "en")
    renderer = Renderer(Chat(FakeBackend()), Alike(), most=2)
    assert [u.paragraphs[0].n for u in renderer.wanted(units, "en")] == [5]
    assert renderer.wanted(units, "zh") == [u for u in units if u.lang == "en"][:2]
    from dataclasses import replace

    code = replace(units[-1], paragraphs=(replace(units[-1].paragraphs[0], kind="code"),))
    assert renderer.wanted([code], "en") == []
