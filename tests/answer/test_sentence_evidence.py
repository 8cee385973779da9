"""Sentence-level evidence that overrules the model's NO (a verdict rule)."""

from __future__ import annotations

from tests.conftest import EN3, ZH13, hit, make_app, state_after


def test_best_sentence_is_the_most_similar_body_sentence():
    from rag.index.embedder import FakeEmbedder
    from rag.answer.sentence_evidence import best_sentence

    emb = FakeEmbedder()
    hits = [hit("en", 0, "Toward the end of the year the heads of state meet."), hit("en", 3, EN3), hit("zh", 13, ZH13)]
    m = best_sentence(emb, "the two heads of state are expected to meet again on the sidelines", hits)
    assert m is not None and m.label == "EN ¶3" and m.sentence.startswith("Toward the end of the year, as the APEC")
    assert m.sentence in EN3 and 0.5 < m.score <= 1.0
    whole = max(sum(a * b for a, b in zip(emb.embed_query("the two heads of state are expected to meet again on the sidelines"), v))
                for v in emb.embed_documents([EN3]))
    assert m.score > whole  # one sentence matches better than the paragraph around it
    zh = best_sentence(emb, "the two heads of state are expected to meet again on the sidelines", hits, "zh")
    assert zh is not None and zh.lang == "zh" and zh.sentence in ZH13  # only the asked-for language
    assert best_sentence(emb, "anything", [hit("en", 0, "Title: only the header")]) is None
    assert best_sentence(emb, "anything", []) is None


def test_model_no_is_overruled_by_a_similar_sentence_only_when_the_lever_is_on(settings):
    from rag.answer.sentence_evidence import best_sentence

    q = "whether the administration will become a lame duck after the midterm elections?"
    probe = make_app(settings, replies=["NO"])
    state = state_after(probe, q)
    para = state.best_similarity
    sent = best_sentence(probe.embedder, q, state.context)
    assert sent is not None and sent.paragraph == 10 and sent.score > para + 0.1
    between = settings.model_copy(update={"trust_retrieval_above": (para + sent.score) / 2})
    ans = make_app(between, replies=["NO", "It is a key concern [EN ¶10]."]).pipeline.answer(q)
    assert not ans.refused and ("en", 10) in {(c.lang, c.paragraph) for c in ans.citations}
    assert ans.verdict.rule == "trusted-sentence"
    assert ans.quotes and ans.quotes[0].sentence == sent.sentence and sent.sentence in ans.text  # the deciding sentence is shown
    said = make_app(between, replies=["NO", sent.sentence + " [EN ¶10]"]).pipeline.answer(q)
    assert all(qt.sentence != sent.sentence for qt in said.quotes)  # not repeated when the answer says it
    assert not make_app(between.model_copy(update={"quotes": False}), replies=["NO", "It is a key concern [EN ¶10]."]).pipeline.answer(q).quotes
    assert make_app(between.model_copy(update={"sentence_evidence": False}), replies=["NO"]).pipeline.answer(q).refused
    above = settings.model_copy(update={"trust_retrieval_above": sent.score + 0.01})
    assert make_app(above, replies=["NO"]).pipeline.answer(q).refused  # no sentence is similar enough: refused
