from __future__ import annotations

import pytest

from ingest.parse import parse_text, split_blocks
from rag.errors import DocumentError


@pytest.fixture(scope="module")
def doc(seed_text):
    return parse_text(seed_text, "seed", "seed.txt")


def test_seed_has_14_body_paragraphs_per_language_plus_front_matter(doc):
    assert doc.body_count("en") == 14
    assert doc.body_count("zh") == 14
    assert doc.get("en", 0) is not None and doc.get("zh", 0) is not None
    assert [p.n for p in doc.by_lang("en")] == list(range(15))


def test_hard_wraps_are_rebuilt_exactly(doc):
    en = {p.n: p.text for p in doc.by_lang("en")}
    assert en[2].startswith("During the visit, the two heads of state and their teams held extensive, candid, in-depth")
    assert "global situation and China-U.S. relations. The two sides" in en[2]  # `China-U.` + `S.`
    assert "Trump administration's policies" in en[10]  # a wrap inside a word
    assert "especially military-to-military dialogue" in en[11]  # a wrap after a hyphen
    assert "toward stabilization, with a nascent momentum" in en[1]  # the wrap's own leading space
    assert "  " not in en[1] and "\n" not in en[1]
    assert en[14].endswith("higher level in the years ahead.")


def test_chinese_paragraphs_are_rebuilt_without_spaces(doc):
    zh = {p.n: p.text for p in doc.by_lang("zh")}
    assert zh[1] == (
        "去年秋季以来,中美关系逐步趋向稳定,开始出现良性互动势头。在此形势下,今年5月13日至15日,"
        "特朗普总统访华。这是美国总统时隔九年再次对中国进行国事访问。"
    )
    assert "加强建立信任措施(CBM),探讨并着手建立AI军事应用对话、网络安全对话" in zh[6]
    assert zh[0] == "中美关系新变化的重大意义"


def test_front_matter_and_metadata(doc):
    assert doc.meta.title == "What the New Developments Mean"
    assert doc.meta.author.startswith("Tuosheng Zhang")
    assert "Grandview Institution" in doc.meta.affiliation
    assert doc.meta.date == "June 22, 2026"
    assert doc.meta.title_zh
    assert "Copyright" in doc.meta.copyright
    assert all("Copyright" not in p.text for p in doc.paragraphs)
    assert "June 22" in doc.get("en", 0).text


def test_paragraph_split_on_whitespace_only_lines():
    blocks = split_blocks("a\nb\n \t \nc\n\n\n d")
    assert [b.joined() for b in blocks] == ["ab", "c", "d"]


def test_crlf_and_bom_are_normalised(seed_text):
    d1 = parse_text(seed_text, "x", "x")
    d2 = parse_text("\ufeff" + seed_text.replace("\n", "\r\n"), "x", "x")
    assert [p.text for p in d1.paragraphs] == [p.text for p in d2.paragraphs]


def test_monolingual_documents():
    en = parse_text("Title\n\nFirst paragraph of a note that is long enough to be prose.\n\nSecond one, also prose.", "m", "m")
    assert en.langs == ("en",)
    assert en.body_count("en") == 2
    zh = parse_text("标题\n\n这是第一段，内容足够长，可以算作正文的一个段落。\n\n这是第二段，也是正文内容。", "z", "z")
    assert zh.langs == ("zh",) and zh.body_count("zh") == 2


def test_interleaved_order_does_not_depend_on_line_numbers(seed_text):
    doc = parse_text("\n\n\n" + seed_text + "\n\n\n", "x", "x")
    assert doc.body_count("en") == 14 and doc.body_count("zh") == 14


@pytest.mark.parametrize(
    "text, msg",
    [
        ("   \n\n  ", "no text"),
        ("Пример текста на русском языке.\n\nЕщё один абзац текста здесь.", "not in English or Chinese"),
        ("\n".join(["a line of a document that never breaks"] * 30), "no paragraph breaks"),
        ("Copyright (c) Someone. All rights reserved.", "only a copyright"),
    ],
)
def test_bad_documents(text, msg):
    with pytest.raises(DocumentError, match=msg):
        parse_text(text, "bad", "bad")
