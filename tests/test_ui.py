"""UI handlers and rendering without a browser, and the launched app through gradio_client."""

from __future__ import annotations

from dataclasses import replace
import re
from pathlib import Path

import pytest

from rag.types import Answer, Citation, Document, DocumentMeta, Evidence, Paragraph, Quote, SentenceCheck, Verdict
from ui.local import running_ui
from ui.app import UIHandlers
from ui.examples import example_questions
from ui.render import answer_html, details_markdown, evidence_html, reader_html


def test_answer_html_turns_markers_into_chips_and_escapes_text():
    ans = Answer("q", "<script>alert(1)</script> Trump visited in May [EN ¶1].", "en", False,
                 (Citation("doc1", "en", 1, "x"),), (), {})
    out = answer_html(ans)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert f'cite-chip ck-{"doc1|en|1".encode().hex()}' in out and "EN ¶1</span>" in out


def test_refusal_is_visible():
    out = answer_html(Answer("q", "The document does not answer this question.", "en", True))
    assert 'class="refusal"' in out


def test_a_lead_in_and_its_items_are_one_line_each_with_their_chips():
    text = "It needs: [EN ¶1]\n- Python 3.8 [EN ¶2]\n- <b>a GPU</b> [EN ¶3]"
    cits = tuple(Citation("doc1", "en", n, "x") for n in (1, 2, 3))
    out = answer_html(Answer("q", text, "en", False, cits))
    assert out.count("<br>") == 2 and "&lt;b&gt;a GPU&lt;/b&gt;" in out
    assert all(f'cite-chip ck-{f"doc1|en|{n}".encode().hex()}' in out for n in (1, 2, 3))


def test_reader_is_side_by_side_and_highlights(seeded_fake_app):
    doc = seeded_fake_app.store.documents()[0]
    d = seeded_fake_app.retriever.document(doc.doc_id)
    out = reader_html(d, ("zh", 3))
    assert out.count('<tr id="pair-') == 15
    assert 'id="pair-en3-zh3" class="pair hl"' in out
    assert 'class="para zh cited k-prose"' in out and out.count(" cited") == 1
    assert "5月13日至15日" in out and "China-U.S." in out


def test_reader_shows_headings_code_pages_and_merged_translations():
    from rag.types import Document, DocumentMeta, Paragraph

    paras = (
        Paragraph("d", "en", 1, "Setup", ("Setup",), "heading", 2),
        Paragraph("d", "en", 2, "Install it, then run it.", ("Setup",), "prose", 2),
        Paragraph("d", "en", 3, ">>> run()", ("Setup",), "code", 3),
        Paragraph("d", "zh", 1, "安装", ("安装",), "heading", 2),
        Paragraph("d", "zh", 2, "先安装。", ("安装",), "prose", 2),
        Paragraph("d", "zh", 3, "再运行。", ("安装",), "prose", 2),
        Paragraph("d", "zh", 4, ">>> run()", ("安装",), "code", 3),
    )
    doc = Document("d", "d.pdf", DocumentMeta(title="T"), paras, alignment=((1, 1), (2, 2), (2, 3), (3, 4)))
    out = reader_html(doc, ("zh", 3))
    assert out.count('<tr id="pair-') == 3  # EN ¶2 beside ZH ¶2–3 in one row
    assert 'id="pair-en2-zh2-3" class="pair hl"' in out
    assert '<span class="rhead h1">Setup</span>' in out and "<pre>&gt;&gt;&gt; run()</pre>" in out
    assert "EN ¶2 · p. 2" in out and 'title="ZH ¶3 · 安装 · p. 2"' in out


def test_respond_streams_then_shows_chips_and_details(seeded_fake_app):
    h = UIHandlers(seeded_fake_app)
    steps = list(h.respond("When are the APEC and G20 summits held?", [], [], "Auto", "*"))
    chat, turns, box, conversation = steps[-1]
    assert len(steps) > 3  # user echo, tokens, final
    assert "cite-chip" in chat[-2]["content"]
    assert chat[-1]["metadata"]["title"].startswith("Sources")
    assert turns and turns[-1][0].startswith("When are")


def test_respond_escapes_html_and_handles_bad_input(seeded_fake_app):
    h = UIHandlers(seeded_fake_app)
    chat, _, _, _ = list(h.respond("<img src=x onerror=alert(1)>", [], [], "Auto", "*"))[-1]
    assert "<img" not in chat[0]["content"]
    chat, _, _, conversation = list(h.respond("   ", [], [], "Auto", "*"))[-1]
    assert chat[-1]["content"].startswith("⚠") and "empty" in chat[-1]["content"]
    assert conversation is None and len(h.app.conversations.list()) == 1  # only the answered question is kept


def test_answers_are_kept_reopened_exported_and_deleted(seeded_fake_app):
    h = UIHandlers(seeded_fake_app)
    *_, (chat, turns, _, cid) = h.respond("When are the APEC and G20 summits held?", [], [], "Auto", "*")
    *_, (chat, turns, _, same) = h.respond("And where?", chat, turns, "Auto", "*", cid)
    assert same == cid and [c for _, c in h.conversation_choices()] == [cid]
    reopened, history = UIHandlers(seeded_fake_app).open_conversation(cid)  # as after a restart
    assert [m["content"] for m in reopened] == [m["content"] for m in chat] and history == turns
    md = Path(h.export_file(cid, "md")).read_text(encoding="utf-8")
    assert md.count("## ") == 2 and "[^1]: **" in md and "(aligned)" in md
    assert '<section class="footnotes">' in Path(h.export_file(cid, "html")).read_text(encoding="utf-8")
    h.delete_conversation(cid)
    assert h.conversation_choices() == [] and h.open_conversation(cid) == ([], []) and h.export_file(cid, "md") is None


def test_show_citation_ignores_forged_keys(seeded_fake_app):
    h = UIHandlers(seeded_fake_app)
    html_out, _, page = h.show_citation("000_e8aec6b6a6faab82|zh|1")
    assert page == ""  # not a PDF paragraph
    assert 'class="pair hl"' in html_out
    for bad in ["", "nope", "../../etc/passwd|en|1", "000_e8aec6b6a6faab82|fr|1", "000_e8aec6b6a6faab82|en|x"]:
        out = h.show_citation(bad)
        assert isinstance(out[0], dict)  # gr.update(): nothing changes


@pytest.mark.parametrize(
    "name, data, msg",
    [
        ("empty.txt", b"", "empty"),
        ("bin.txt", b"\x00\x01\x02\x03" * 200, "binary"),
        ("big.txt", b"a" * (6 * 1024 * 1024), "limit"),
        ("../../evil.txt", "Title\n\nA body paragraph that is long enough to count as prose.".encode(), ""),
    ],
)
def test_upload_validation(seeded_fake_app, tmp_path, name, data, msg):
    from rag.errors import RagError

    h = UIHandlers(seeded_fake_app)
    path = tmp_path / name.replace("../", "")
    path.write_bytes(data)
    before = seeded_fake_app.store.versions()
    if msg:
        with pytest.raises(RagError, match=msg):
            h.ingest_upload(str(path))
        assert seeded_fake_app.store.versions() == before
    else:
        text, doc_id = h.ingest_upload(str(path))
        assert doc_id == "evil" and "/" not in doc_id


def test_gradio_client_english_and_chinese(seeded_fake_app):
    from gradio_client import Client

    with running_ui(seeded_fake_app) as url:
        c = Client(url, verbose=False)
        en = c.predict("When are the APEC and G20 summits held?", "", api_name="/ask")
        zh = c.predict("APEC和G20峰会在哪里举行？", "", api_name="/ask")
    assert not en["refused"] and en["citations"] and en["answer_language"] == "en"
    assert not zh["refused"] and zh["citations"] and zh["answer_language"] == "zh"


def test_upload_of_two_files_named_as_one_texts_versions_makes_one_pair(fake_app, tmp_path):
    """Gradio keeps each upload in a temporary folder of its own: the pair is found by the names."""
    from rag.errors import RagError
    from tests.test_ingest_formats import REAL

    real = REAL / "antd"
    if not real.exists():
        pytest.skip("../shared/corpus/real is not here")
    h = UIHandlers(fake_app)
    files = []
    for i, name in enumerate(("css-in-js.en.md", "css-in-js.zh.md", "check-conduct.en.md")):
        d = tmp_path / f"upload{i}"
        d.mkdir()
        (d / name).write_bytes((real / name).read_bytes())
        files.append(str(d / name))
    text, doc_id = h.ingest_upload(files)
    docs = {d.doc_id: d for d in fake_app.store.documents()}
    # a lone tagged file keeps its tag: the other version, uploaded later alone, must not replace it
    assert set(docs) == {"css-in-js", "check-conduct.en"} and doc_id == "check-conduct.en"
    assert docs["css-in-js"].source == "css-in-js.en.md + css-in-js.zh.md"
    assert (docs["css-in-js"].n_en, docs["css-in-js"].n_zh, docs["check-conduct.en"].n_zh) == (11, 21, 0)
    assert "en: 12 blocks read → 11 paragraphs + ¶0" in text
    # a "pair" whose Chinese file is English is refused before anything is stored
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "notes.en.md").write_text("# Notes\n\nAn English paragraph that is long enough to be read as prose.\n")
    (bad / "notes.zh.md").write_text("# Notes\n\nAnother English paragraph, though the name says Chinese.\n")
    before = fake_app.store.versions()
    with pytest.raises(RagError, match="should be the Chinese version"):
        h.ingest_upload([str(bad / "notes.en.md"), str(bad / "notes.zh.md"), files[0]])
    assert fake_app.store.versions() == before


def test_delete_a_document_from_the_ui(seeded_fake_app, tmp_path):
    from rag.errors import InputError

    h = UIHandlers(seeded_fake_app)
    note = tmp_path / "note.md"
    note.write_text("# Note\n\nA short note about the harbor, long enough to be a paragraph of prose.\n", encoding="utf-8")
    h.ingest_upload(str(note))
    table = h.docs_markdown()
    assert table.startswith("| title | id | EN ¶ | ZH ¶ | pairs | source | size | ingested |") and "`note`" in table
    assert f"| note.md | {note.stat().st_size} B |" in table
    with pytest.raises(InputError, match="no document 'nope'"):
        h.delete_document("nope")
    assert h.delete_document("note") == "Deleted `note`."
    assert "note" not in {d.doc_id for d in seeded_fake_app.store.documents()}
    assert "`note`" not in h.docs_markdown() and len(seeded_fake_app.store.documents()) == 1


def test_ask_over_one_several_or_all_documents(seeded_fake_app, tmp_path):
    from ui.app import scope_docs

    assert scope_docs([]) is None and scope_docs(None) is None and scope_docs("*") is None
    assert scope_docs(["a", "b"]) == ["a", "b"] and scope_docs("a") == ["a"]
    h = UIHandlers(seeded_fake_app)
    note = tmp_path / "harbor.md"
    note.write_text("# Harbor\n\nThe harbor reopened on 4 March after the storm, and repairs cost 2.3 million dollars.\n", encoding="utf-8")
    h.ingest_upload(str(note))
    seed = seeded_fake_app.store.documents()[0].doc_id
    for scope, allowed in (([seed], {seed}), (["harbor"], {"harbor"}), ([seed, "harbor"], {seed, "harbor"})):
        *_, (chat, _turns, _, _) = list(h.respond("When did the harbor reopen after the storm?", [], [], "Auto", scope))
        answer = next(m for m in chat if m["role"] == "assistant" and m.get("metadata"))
        # the details panel lists every retrieved paragraph with its document
        retrieved = {d.replace("\\", "") for d in re.findall(r"¶\d+ \(([^)]+)\)", answer["content"])}
        assert retrieved and retrieved <= allowed, (scope, retrieved)


def test_details_say_what_decided_and_the_evidence_marks_the_units_the_answer_quotes():
    checks = (SentenceCheck("[1] It uses Jest.", "not selected", "EN ¶5"), SentenceCheck("[2] It uses Vitest.", "selected", "EN ¶7"))
    evidence = tuple(Evidence(Quote("d", "en", n, t), f"EN ¶{n}") for n, t in ((5, "It uses Jest."), (7, "It uses Vitest.")))
    ans = Answer("q", "It uses Vitest. [EN ¶7]", "en", False, verdict=Verdict(False, "selected", "units 2 selected"),
                 checks=checks, evidence=evidence)
    out = details_markdown(ans)
    assert "**Decided by** `selected`: units 2 selected" in out and "**Units**: 1 of 2 candidates selected and quoted" in out
    shown = evidence_html(ans)
    assert shown.count("✓ in the answer") == 1 and shown.index("It uses Jest.") < shown.index("✓") < shown.index("It uses Vitest.")
    # refused although the model selected unit 2 (it lacks the question's key terms): nothing is marked as quoted
    refused = replace(ans, refused=True, verdict=Verdict(True, "terms-missing", "units 2 hold 0.00 of the key terms"))
    assert "✓" not in evidence_html(refused) and "Not answered (units 2 hold 0.00 of the key terms)" in evidence_html(refused)


def test_the_line_on_differing_versions_is_in_the_details_and_leaves_the_evidence_marks_alone():
    """A select-path answer whose checks end with the discrepancy line (outcome ``noted``): the details
    say the versions differ and count only the units; the evidence still marks the selected unit."""
    from rag.types import Evidence, Quote

    line = "The Chinese version says 45 [ZH ¶5]; the English version says 30 [EN ¶6]."
    checks = (SentenceCheck("[1] Payment is due within 30 days.", "selected", "EN ¶6"),
              SentenceCheck("[2] The fees apply from 1 March.", "not selected", "EN ¶2"),
              SentenceCheck(line, "noted", "numbers discrepancy EN ¶6 ↔ ZH ¶5: the English states 30; the Chinese states 45"))
    evidence = (Evidence(Quote("fees", "en", 6, "Payment is due within 30 days."), "EN ¶6"),
                Evidence(Quote("fees", "en", 2, "The fees apply from 1 March."), "EN ¶2"))
    ans = Answer("q", f"Payment is due within 30 days. [EN ¶6]\n\n{line}", "en", False,
                 verdict=Verdict(False, "selected", "selected"), checks=checks, evidence=evidence)
    out = details_markdown(ans)
    assert "**The versions differ**: numbers discrepancy EN ¶6 ↔ ZH ¶5" in out
    assert "**Units**: 1 of 2 candidates selected" in out
    from ui.render import evidence_html
    shown = evidence_html(ans)
    assert shown.count("✓ in the answer") == 1 and shown.index("✓ in the answer") < shown.index("The fees apply")


def test_the_details_say_which_rendering_was_shown_and_which_was_dropped_and_why():
    checks = (SentenceCheck("[1] 只有中文。", "selected", "ZH ¶5"),
              SentenceCheck("In English: Only in Chinese. [ZH ¶5]", "rendered", "renders ZH ¶5: similarity 0.84 (document: 0.71)"),
              SentenceCheck("In English: Only in Chinese, 3 times. [ZH ¶6]", "dropped", "states 3, which the ZH text does not"))
    ans = Answer("q", "Only the Chinese version states this:\n只有中文。 [ZH ¶5]\n\nIn English: Only in Chinese. [ZH ¶5]", "en",
                 False, verdict=Verdict(False, "selected", "selected"), checks=checks)
    out = details_markdown(ans)
    assert "**Written in your language**: renders ZH ¶5: similarity 0.84" in out
    named = replace(ans, checks=(SentenceCheck("guide-2.0", "named", "the question names guide-2.0 by 2.0, which guide-1.0 never writes"), *checks))
    assert "**Read from the document the question names**: the question names guide-2.0 by 2.0" in details_markdown(named)
    assert "**A rendering not shown**: In English: Only in Chinese, 3 times. [ZH ¶6] (states 3, which the ZH text does not)" in out
    assert "**Units**: 1 of 1 candidates selected" in out


def test_example_questions_come_from_the_document_not_a_fixed_list(seeded_fake_app):
    faq = Document("d", "d.md", DocumentMeta(title="Button"), (
        Paragraph("d", "en", 1, "When To Use", ("When To Use",), "heading"),
        Paragraph("d", "en", 2, "Use it to act.", ("When To Use",)),
        Paragraph("d", "en", 3, "How to close the click wave effect?", ("FAQ",), "heading"),
        Paragraph("d", "zh", 1, "何时使用", ("何时使用",), "heading"),
    ))
    assert example_questions(faq) == ["How to close the click wave effect?", "What does the document say about “When To Use”?",
                                      "文档中关于“何时使用”讲了什么？", "What is “Button” about?"]
    h = UIHandlers(seeded_fake_app)
    sample = h.examples(None)  # the sample article has no headings: its title and byline
    assert [["Who wrote this document?"]] == [row for row in sample if row == ["Who wrote this document?"]]
    assert all("Trump" not in row[0] for row in sample)


def test_an_upload_during_another_ingest_waits_and_says_so(seeded_fake_app, tmp_path):
    import threading
    import time

    from ingest.indexer import ingest_lock

    note = tmp_path / "harbor.md"
    note.write_text("# Harbor\n\nThe harbor reopened on 4 March after the storm.\n", encoding="utf-8")
    held = threading.Event()

    def other_ingest():
        with ingest_lock(seeded_fake_app.settings.home):
            held.set()
            time.sleep(1.0)

    t = threading.Thread(target=other_ingest)
    t.start()
    held.wait()
    said = []
    text, doc_id = UIHandlers(seeded_fake_app).ingest_upload(str(note), lambda frac, desc: said.append(desc))
    t.join()
    assert doc_id == "harbor" and "added" in text
    assert "waiting for another ingest to finish" in said and said[-1] == "done"


def test_an_upload_that_would_replace_a_document_asks_first(fake_app, tmp_path):
    """#36: the upload whose id a document of other files has is not ingested; the status names that
    document and asks; only the ticked box on the next click, for the document asked about, replaces it."""
    h = UIHandlers(fake_app)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    old, new = tmp_path / "a" / "bridge.md", tmp_path / "b" / "bridge.txt"
    old.write_text("# The Old Bridge\n\nThe old bridge over the river was built of stone in 1820.\n", encoding="utf-8")
    new.write_text("Bridge notes\n\nA new steel bridge will open next spring, the council said.\n", encoding="utf-8")
    assert h.upload(str(old)).doc_id == "bridge"
    before = fake_app.store.versions()

    asked = h.upload(str(new))
    assert asked.doc_id is None and asked.asking == ("bridge",)
    assert "would replace the document `bridge` “The Old Bridge” (from bridge.md)" in asked.message
    assert "tick **Replace the existing document** and click Ingest again" in asked.message
    assert str(tmp_path) not in asked.message
    assert h.upload(str(new), replace_ticked=True, asked=()).asking == ("bridge",)  # ticked, never asked
    assert h.upload(str(new), replace_ticked=False, asked=asked.asking).asking == ("bridge",)  # asked, not ticked
    assert h.upload(str(new), replace_ticked=True, asked=("other",)).asking == ("other", "bridge")
    assert fake_app.store.versions() == before

    done = h.upload(str(new), replace_ticked=True, asked=asked.asking)
    assert done.doc_id == "bridge" and done.asking == () and done.message.startswith("Done: `bridge` updated")
    [info] = fake_app.store.documents()
    assert info.source.endswith("bridge.txt") and info.title != "The Old Bridge"
    assert h.upload(str(new)).message.startswith("Done: `bridge` is already ingested")  # the same file: no question


def test_evidence_is_shown_before_the_answer_and_stays_above_it(settings):
    from tests.conftest import make_app

    h = UIHandlers(make_app(settings))  # the rule-based model selects the unit sharing the question's words
    steps = [[dict(m) for m in chat] for chat, *_ in h.respond("When are the APEC and G20 summits held?", [], [], "Auto", "*")]
    contents = [[m["content"] for m in chat] for chat in steps]  # (copied: the handler updates one list)
    first_evidence = next(i for i, c in enumerate(contents) if any("evidence coming" in x for x in c))
    first_token = next(i for i, c in enumerate(contents) if any("▌" in x for x in c))
    assert first_evidence < first_token
    final = contents[-1]
    assert final[1].startswith('<div class="evidence">') and "cite-chip" in final[1] and "今年9月" in final[1]
    assert "answer coming" not in final[1] and "cite-chip" in final[2]  # then the answer with its chips


def test_a_refusal_says_why_above_the_closest_evidence(settings):
    from tests.conftest import make_app

    h = UIHandlers(make_app(settings, replies=['{"ids": []}']))  # the model selects nothing
    *_, (chat, _turns, _, _) = h.respond("What did the author say about the weather on Mars?", [], [], "Auto", "*")
    assert chat[1]["content"].startswith('<div class="evidence refused"><div class="ev-head">Not answered (')


def test_sentences_of_one_paragraph_show_its_translation_once():
    """The evidence offers a long paragraph sentence by sentence; the aligned paragraph of the other
    version is shown once, after the last of them, not under each."""
    twin = (Paragraph("d", "zh", 4, "一。二在这里。三比其他的都长。"),)
    other = (Paragraph("d", "zh", 9, "别的段落。"),)
    evidence = (Evidence(Quote("d", "en", 4, "One."), "EN ¶4", twin), Evidence(Quote("d", "en", 4, "Two is here."), "EN ¶4", twin),
                Evidence(Quote("d", "en", 4, "Three is longer."), "EN ¶4", twin), Evidence(Quote("d", "en", 9, "Other."), "EN ¶9", other))
    shown = evidence_html(evidence, coming=True)
    assert shown.count("二在这里") == 1 and shown.count('class="ev-twin"') == 2
    assert shown.index("Three is longer.") < shown.index("二在这里") < shown.index("Other.") < shown.index("别的段落")
