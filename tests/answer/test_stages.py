"""The stage registry: the list is built from settings, in order; stages stream the events; the
pipeline runs any list of stages it is given."""

from __future__ import annotations

from typing import ClassVar

from rag.answer.stages import STAGES, levers
from rag.settings import Settings
from tests.conftest import make_app

DEFAULT = ["query", "retrieve", "leadin", "evidence", "context", "gate", "gloss", "check", "generate", "language", "cite", "claims",
           "purity", "complete", "asked", "quotes", "finish"]


def test_the_default_list_in_order(settings):
    assert make_app(settings).pipeline.stage_names == DEFAULT


def test_each_switch_removes_its_stage_and_only_it(settings):
    for spec in STAGES:
        if spec.setting is None:
            continue
        names = make_app(settings.model_copy(update={spec.setting: False})).pipeline.stage_names
        assert names == [n for n in DEFAULT if n != spec.name], spec.setting


def test_levers_switch_off_settings_that_exist_and_are_on_by_default():
    defaults = Settings()
    assert len({lv.name for lv in levers()}) == len(levers())
    for lever in levers():
        for key, off in lever.off.items():
            assert getattr(defaults, key) != off, lever.name


def test_ablation_reads_its_levers_from_the_registry():
    from eval.ablate import LEVERS

    assert [n for n in LEVERS if n not in ("default", "start")] == [lv.name for lv in levers()]


def test_events_come_from_the_stages_in_order(settings):
    app = make_app(settings, replies=["YES", "They meet on the sidelines [EN ¶3]."])
    events = list(app.pipeline.stream("Where will the two heads of state meet again?"))
    assert [e.text for e in events if e.kind == "status"] == ["retrieving", "checking", "generating", "checking claims", "checking purity"]
    assert events[-1].kind == "answer" and [e.kind for e in events[:-1]].count("answer") == 0
    assert "".join(e.text for e in events if e.kind == "token").startswith("They meet")
    kinds = [e.kind for e in events]
    assert kinds.index("evidence") < kinds.index("token")  # the evidence comes before the model says anything
    assert kinds.index("evidence") < [e.text for e in events].index("checking")  # and before the first model call


class _Canned:
    name: ClassVar[str] = "canned"
    setting: ClassVar[str | None] = None

    def __init__(self, settle: bool) -> None:
        self.settle = settle
        self.ran = False

    def run(self, state):
        from rag.answer.replies import refuse
        from rag.types import Verdict

        self.ran = True
        if self.settle:
            refuse(state, Verdict(True, "canned", "a test stage settled it"))
        return iter(())


def test_a_stage_that_settles_the_answer_ends_the_list(settings):
    from rag.answer.pipeline import AnswerPipeline

    app = make_app(settings)
    first, second = _Canned(True), _Canned(False)
    query = app.pipeline.stages[0]  # the query stage: every later stage reads state.query
    pipe = AnswerPipeline(app.retriever, app.chat_backend, app.settings, stages=[query, first, second])
    ans = pipe.answer("Anything at all?")
    assert ans.refused and ans.verdict.rule == "canned" and first.ran and not second.ran


def test_the_architecture_document_shows_the_list_as_built():
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| (\w+) \| `([\w.]+)` \| (`RAG_\w+`|always) \|", doc, re.M)
    assert [(name, setting.strip("`")) for _, name, _, setting in rows] == [
        (spec.name, f"RAG_{spec.setting.upper()}" if spec.setting else "always") for spec in STAGES
    ]
    assert [module for *_, module, _ in rows] == [spec.stage.__module__.rsplit(".", 1)[1] + ".py" for spec in STAGES]
