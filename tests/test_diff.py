"""The discrepancy report (rag.diff): each kind on a small two-language document with a given
alignment, the reports it prints, the ingest report's counts, `rag diff` and the API route."""

from __future__ import annotations

import csv
import io
import json

import pytest

from rag.diff import counts, csv_report, discrepancies, markdown_report, text_report
from rag.types import Document, DocumentMeta, Paragraph


def make_doc(en: list, zh: list, alignment: list[tuple[int, int]], similarity: dict | None = None) -> Document:
    """``en``/``zh``: texts, or (text, kind) pairs, numbered from 1; ``alignment``: (en_n, zh_n) pairs."""
    def paras(lang, items):
        out = []
        for i, item in enumerate(items, 1):
            text, kind = item if isinstance(item, tuple) else (item, "prose")
            out.append(Paragraph("d", lang, i, text, ("Intro",), kind))
        return out

    ps = paras("en", en) + paras("zh", zh)
    linked = {("en", a) for a, _ in alignment} | {("zh", b) for _, b in alignment}
    sims = similarity or {}
    return Document("d", "d.en.md + d.zh.md", DocumentMeta(title="D"), tuple(ps), alignment=tuple(alignment),
                    unaligned=tuple((p.lang, p.n) for p in ps if (p.lang, p.n) not in linked),
                    similarity=tuple((a, b, sims.get((a, b), 0.8)) for a, b in alignment))


def kinds(found) -> list[tuple[str, tuple, tuple]]:
    return [(d.kind, d.en, d.zh) for d in found]


def test_agreeing_versions_have_no_discrepancy():
    doc = make_doc(["Release date: August 4, 2023", "Up to 1,152 failures per account.", "Use Docker or Vagrant."],
                   ["发布日期: 2023 年 8 月 4 日", "每个账户最多失败 1152 次。", "使用 Docker 或 Vagrant。"],
                   [(1, 1), (2, 2), (3, 3)])
    assert discrepancies(doc) == []


def test_a_paragraph_without_counterpart_is_missing():
    doc = make_doc(["Intro", "A note only the English has.", "End"], ["介绍", "结束"], [(1, 1), (3, 2)])
    found = discrepancies(doc)
    assert kinds(found) == [("missing", (2,), ())]
    assert "EN ¶2" in found[0].reason and "no Chinese counterpart" in found[0].reason


def test_a_run_of_missing_paragraphs_with_a_heading_is_one_high_discrepancy():
    doc = make_doc(["Intro", ("Other implementations", "heading"), "JRuby runs on the JVM.", "mruby is small.", "End"],
                   ["介绍", "结束"], [(1, 1), (5, 2)])
    (d,) = discrepancies(doc)
    assert (d.kind, d.en, d.severity) == ("missing", (2, 3, 4), "high")
    assert "Other implementations" in d.reason


def test_a_changed_date_is_numbers():
    doc = make_doc(["[2024.07.03] We release InternLM2.5-7B."], ["[2024.06.30] 我们发布了 InternLM2.5-7B。"], [(1, 1)])
    (d,) = discrepancies(doc)
    assert d.kind == "numbers" and d.severity == "high"
    assert "2024.07.03" in d.reason and "2024.06.30" in d.reason
    assert (d.en_only, d.zh_only) == (("2024.07.03",), ("2024.06.30",))  # as each version writes them
    assert d.record(doc)["only"] == {"en": ["2024.07.03"], "zh": ["2024.06.30"]}


def test_a_number_in_words_is_the_same_number():
    doc = make_doc(["The evaluation covered five dimensions and 1.5 million users."],
                   ["评测覆盖五大能力维度和 150 万用户。"], [(1, 1)])
    assert discrepancies(doc) == []


def test_a_name_only_one_side_writes():
    doc = make_doc(["Configure @ant-design/cssinjs first.", "Then run show_source."],
                   ["首先配置 antd。", "然后运行 show_source。"], [(1, 1), (2, 2)])
    (d,) = discrepancies(doc)
    assert (d.kind, d.en, d.zh) == ("names", (1,), (1,)) and "@ant-design/cssinjs" in d.reason
    assert (d.en_only, d.zh_only) == (("@ant-design/cssinjs",), ())


def test_a_name_of_two_words_is_said_as_one():
    doc = make_doc(["We release it on ModelScope and Hugging Face.", "Hugging Face and ModelScope host it."],
                   ["我们发布了它。", "Hugging Face 和 ModelScope 托管它。"], [(1, 1), (2, 2)])
    (d,) = discrepancies(doc)
    assert d.reason == "only the English writes ModelScope, Hugging Face"
    assert d.en_only == ("ModelScope", "Hugging Face")


def test_a_word_name_the_other_version_never_writes_is_a_translation():
    # "Ascend" is nowhere in the Chinese version (it writes 昇腾); "DashScope" is, elsewhere
    doc = make_doc(["Inference on Ascend 910 is supported.", "Use the DashScope API.", "DashScope is a service."],
                   ["支持昇腾910推理。", "使用 API。", "灵积（DashScope）是一项服务。"], [(1, 1), (2, 2), (3, 3)])
    found = discrepancies(doc)
    assert kinds(found) == [("names", (2,), (2,))] and "DashScope" in found[0].reason


def test_list_items_written_as_one_paragraph_are_structure():
    doc = make_doc(["There are three types:", ("1. Technical approvers,", "list"), ("2. Editors,", "list"),
                    ("3. Both.", "list")],
                   ["有三种类型：", "1）技术审核者， 2）编辑， 3）两者兼具。"], [(1, 1), (2, 2), (3, 2), (4, 2)])
    (d,) = discrepancies(doc)
    assert (d.kind, d.en, d.zh) == ("structure", (2, 3, 4), (2,))
    assert "3 items" in d.reason and "one paragraph" in d.reason


def test_a_table_with_a_row_more_is_structure_and_the_row_missing():
    rows_en = [("Model: A | Size: 7B", "table"), ("Model: B | Size: 14B", "table")]
    rows_zh = [("模型: A | 大小: 7B", "table"), ("模型: B | 大小: 14B", "table"), ("模型: C | 大小: 72B", "table")]
    doc = make_doc(rows_en, rows_zh, [(1, 1), (2, 2)])
    found = discrepancies(doc)
    assert ("missing", (), (3,)) in kinds(found)
    table = next(d for d in found if d.kind == "structure")
    assert table.en == (1, 2) and table.zh == (1, 2, 3) and "2 rows" in table.reason


def test_a_link_far_less_alike_than_the_rest_is_stale():
    en = [f"Paragraph {i} explains one more part of the system and how it is configured by operators." for i in range(12)]
    zh = [f"第{i}段说明系统的另一部分以及运维人员如何配置它。" for i in range(12)]
    sims = {(i, i): 0.86 + (i % 3) * 0.01 for i in range(1, 13)}
    sims[(7, 7)] = 0.41
    doc = make_doc(en, zh, [(i, i) for i in range(1, 13)], sims)
    found = [d for d in discrepancies(doc) if d.kind == "stale"]
    assert [(d.en, d.zh) for d in found] == [((7,), (7,))]
    assert "0.41" in found[0].reason


def test_stale_needs_enough_links_to_know_the_typical_one():
    doc = make_doc(["One paragraph about the configuration of the system and its many parts."],
                   ["一段关于系统配置及其各部分的说明。"], [(1, 1)], {(1, 1): 0.2})
    assert discrepancies(doc) == []


def test_one_language_document_has_nothing_to_compare():
    doc = Document("d", "d.md", DocumentMeta(), (Paragraph("d", "en", 1, "Only English."),))
    assert discrepancies(doc) == []


def sample_doc() -> Document:
    return make_doc(["Intro", "Only English.", "Shipped in July 2022."], ["介绍", "2022 年 6 月发布。"],
                    [(1, 1), (3, 2)])


def test_reports_in_document_order_with_counts():
    doc = sample_doc()
    found = discrepancies(doc)
    assert [d.kind for d in found] == ["missing", "numbers"]
    assert counts(found) == {"missing": 1, "numbers": 1, "names": 0, "structure": 0, "stale": 0}
    lines = text_report(doc, found)
    assert lines[0] == "d: 2 discrepancies (missing 1, numbers 1, names 0, structure 0, stale 0)"
    assert any(line.startswith("[numbers · high] EN ¶3 ↔ ZH ¶2") for line in lines)
    md = markdown_report(doc, found)
    assert "| missing | numbers |" in md and "> **ZH** 2022 年 6 月发布。" in md
    rows = list(csv.DictReader(io.StringIO(csv_report(doc, found))))
    assert [(r["kind"], r["en_paragraphs"], r["zh_paragraphs"]) for r in rows] == [("missing", "2", ""), ("numbers", "3", "2")]
    rec = found[1].record(doc)
    assert rec["en"][0]["text"] == "Shipped in July 2022." and rec["zh"][0]["section"] == ["Intro"]
    json.dumps(rec)  # serialisable


def test_reader_badges_both_columns_and_lists_the_differences():
    from ui.render import reader_html

    doc = sample_doc()
    page = reader_html(doc, None, discrepancies(doc))
    assert 'id="differences"' in page and "Differences · 差异: 2" in page
    row = page[page.index('id="pair-en3-zh2"'):]
    row = row[: row.index("</tr>")]
    assert row.count('class="diff d-numbers') == 2  # the English and the Chinese cell
    assert "the English states July 2022" in row
    lonely = page[page.index('id="pair-en2-zhx"'):]
    assert 'd-missing' in lonely[: lonely.index("</tr>")]


@pytest.fixture()
def diff_app(fake_app):
    """An app (fake models, real Chroma in a temp dir) with one pair stored as `make_doc` builds it."""
    from ingest.chunk import chunk_document

    app = fake_app
    doc = sample_doc()
    app.store.write_document(doc, chunk_document(doc, 400, 1))
    return app


def test_rag_diff_prints_json_md_and_csv(diff_app, monkeypatch):
    from typer.testing import CliRunner

    import rag.cli as cli

    monkeypatch.setattr(cli, "_app", lambda: diff_app)
    runner = CliRunner()
    out = runner.invoke(cli.app, ["diff", "d"])
    assert out.exit_code == 0, out.output
    assert "[missing · medium] EN ¶2 ↔ no ZH" in out.output
    recs = [json.loads(line) for line in runner.invoke(cli.app, ["diff", "d", "--json"]).output.splitlines()]
    assert [r["kind"] for r in recs] == ["missing", "numbers"]
    assert runner.invoke(cli.app, ["diff", "d", "--format", "md"]).output.startswith("# Discrepancies: D")
    assert "numbers,high,3,2" in runner.invoke(cli.app, ["diff", "d", "--format", "csv"]).output
    only = runner.invoke(cli.app, ["diff", "d", "--json", "--kind", "numbers"]).output.splitlines()
    assert len(only) == 1
    bad = runner.invoke(cli.app, ["diff", "nope"])
    assert bad.exit_code != 0 and "no document 'nope'" in str(bad.exception)


def test_api_route(diff_app):
    from fastapi.testclient import TestClient

    from ui.server.api import create_api

    client = TestClient(create_api(diff_app))
    r = client.get("/v1/documents/d/discrepancies")
    assert r.status_code == 200
    body = r.json()
    assert body["counts"]["missing"] == 1 and [d["kind"] for d in body["discrepancies"]] == ["missing", "numbers"]
    assert client.get("/v1/documents/d/discrepancies?kind=numbers").json()["discrepancies"][0]["zh"][0]["paragraph"] == 2
    assert client.get("/v1/documents/nope/discrepancies").status_code == 404
    assert client.get("/v1/documents/d/discrepancies?kind=colour").status_code == 400


def test_the_eval_scores_findings_and_links_against_labels_located_by_their_texts():
    """eval.discrepancies: labels are found by paragraph text; a finding touching a label of its kind is
    right, one touching only labels of no such kind wrong, one on unlabelled paragraphs neither; a link
    is right when the labels join its two paragraphs."""
    from eval.discrepancies import Label, finding_scores, link_scores, locate

    doc = make_doc(["Pay within 30 days.", "Fees apply from 2024.", "Tankers pay 1,500 dollars.", "Unlabelled 7."],
                   ["45 天内付款。", "费用自 2024 年起适用。", "未标注 8。"], [(1, 1), (2, 2), (4, 3)])
    labels = [Label("d", "x/d", "numbers", "Pay within 30 days.", "45 天内付款。", ""),
              Label("d", "x/d", "none", "Fees apply from 2024.", "费用自 2024 年起适用。", ""),
              Label("d", "x/d", "missing", "Tankers pay 1,500 dollars.", "", "")]
    located = locate(doc, labels)
    assert [(loc.en, loc.zh) for loc in located] == [((1,), (1,)), ((2,), (2,)), ((3,), ())]
    links = link_scores(doc, located)
    assert (links["links"], links["right"], links["gaps"], links["gaps_left"]) == (2, 2, 1, 1)  # (4, 3) is not judged
    found = discrepancies(doc)
    assert ("numbers", (4,), (3,)) in kinds(found)  # 7 against 8 on unlabelled paragraphs: not scored
    c, wrong = finding_scores(found, located)
    assert (c["numbers.tp"], c["numbers.fp"], c["numbers.found"], c["numbers.labels"]) == (1, 0, 1, 1)
    assert (c["missing.tp"], c["missing.found"]) == (1, 1) and c["numbers.fp"] == 0 and not wrong
