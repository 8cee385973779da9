"""Evidence first: the best-matching source sentences, before any model call, with their twins."""

from __future__ import annotations

import json

from ingest.indexer import indexer_for
from rag.types import Answer
from tests.conftest import make_app, state_after

DOC = "000_e8aec6b6a6faab82"


def test_english_question_gets_the_english_sentence_and_its_chinese_twin(settings):
    app = make_app(settings)
    state = state_after(app, "When are the APEC and G20 summits held?", last="evidence")
    first = state.evidence[0]
    assert (first.quote.lang, first.quote.paragraph) == ("en", 3) and "APEC and G20 summits" in first.quote.sentence
    assert first.quote.sentence in app.retriever.document(first.quote.doc).get("en", 3).text  # verbatim
    assert [(t.lang, t.n) for t in first.twins] == [("zh", 3)] and "APEC和G20峰会" in first.twins[0].text
    assert first.place.startswith("EN ¶3") and "evidence" in state.timer.marks
    assert app.chat_backend.llm.calls == []  # no model call yet


def test_chinese_question_gets_the_chinese_sentence(settings):
    state = state_after(make_app(settings), "APEC和G20峰会在哪里举行？", last="evidence")
    assert state.evidence[0].quote.lang == "zh" and state.evidence[0].twins[0].lang == "en"


def test_a_document_without_the_questions_language_still_gives_evidence(settings):
    app = make_app(settings)
    note = settings.home / "harbor.md"
    note.write_text("# Harbor\n\nThe harbor reopened on 4 March after the storm, and repairs cost 2.3 million dollars.\n",
                    encoding="utf-8")
    indexer_for(app).write([indexer_for(app).prepare_path(note)], progress=False)
    state = state_after(app, "港口风暴后什么时候重新开放？", last="evidence", docs=["harbor"])
    assert state.evidence and state.evidence[0].quote.lang == "en" and state.evidence[0].twins == ()


def test_the_answer_keeps_its_evidence_even_when_refused(settings):
    app = make_app(settings, replies=["NO"])
    ans = app.pipeline.answer("What did the author say about the weather on Mars?")
    assert ans.refused and ans.evidence  # the panel shows what was found, and why it was not enough
    again = Answer.from_json(json.loads(json.dumps(ans.to_json())))
    assert again.evidence == ans.evidence and again.to_json() == ans.to_json()


def test_switched_off_no_evidence_event(settings):
    app = make_app(settings.model_copy(update={"evidence_first": False}))
    events = list(app.pipeline.stream("When are the APEC and G20 summits held?"))
    assert "evidence" not in [e.kind for e in events] and events[-1].answer.evidence == ()


def test_a_question_about_the_document_gets_the_front_matter(settings):
    """When the best pair is the front matter (¶0: title, byline, date), that is the evidence."""
    from rag.answer.evidence import pick_evidence
    from rag.index.retrieve import PairHit
    from rag.types import Hit

    app = make_app(settings)
    state = state_after(app, "Who wrote this article?", last="retrieve")
    doc = app.retriever.document(DOC)
    en0, zh0 = doc.get("en", 0), doc.get("zh", 0)
    state.pairs = [PairHit(DOC, Hit(DOC, "en", 0, en0.text, 0.7), Hit(DOC, "zh", 0, zh0.text, 0.6), 0.7)]
    [ev] = pick_evidence(state)
    assert ev.quote.paragraph == 0 and "Tuosheng Zhang" in ev.quote.sentence
