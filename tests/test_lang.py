from __future__ import annotations

import pytest

from rag.text.chinese import is_traditional, to_simplified, to_traditional
from rag.text.language import detect_language, text_language
from rag.text.sentences import split_sentences
from rag.text.tokens import tokenize


@pytest.mark.parametrize(
    "q, expected",
    [
        ("When did Trump visit China?", "en"),
        ("特朗普何时访华？", "zh"),
        ("特朗普何時訪華？", "zh-Hant"),
        ("中美關係會有什麼變化？", "zh-Hant"),
        ("What does 建设性战略稳定关系 mean?", "mixed:en"),
        ("APEC 峰会在哪里举行?", "mixed:zh"),
        ("特朗普 visit China 是什么时候?", "mixed:zh"),
        ("Ant Design 的 collaborator 合并 PR 时，通常应该用 Squash and merge 还是 Merge pull request？", "mixed:zh"),
        ("In the guide, what does 合并 mean and when is it used?", "mixed:en"),
    ],
)
def test_detect_language(q, expected):
    assert detect_language(q) == expected


def test_opencc_round_trip():
    assert to_simplified("關係會晤") == "关系会晤"
    assert is_traditional("關係會晤") and not is_traditional("关系会晤")


def test_sentences_tile_the_text_exactly():
    t = "China-U.S. relations improved. U.S. President Trump visited.In addition, more. “Quoted.” End"
    parts = split_sentences(t)
    assert "".join(parts) == t
    assert parts[0] == "China-U.S. relations improved. "
    assert parts[1].startswith("U.S. President Trump visited.")
    z = "第一句。第二句！第三句？第四句；“第五句。”尾"
    zs = split_sentences(z)
    assert "".join(zs) == z and len(zs) == 6 and zs[4] == "“第五句。”"


def test_a_blank_line_ends_a_sentence_a_line_break_does_not():
    """A block written under a sentence that ends in a colon is not part of that sentence (its claims are
    checked against the block's own citation, not the lead-in's)."""
    t = "首先启动 controller： [ZH ¶253]\n\n```\npython -m fastchat.serve.controller\n```\n[ZH ¶254]"
    parts = split_sentences(t)
    assert "".join(parts) == t and parts[0] == "首先启动 controller： [ZH ¶253]\n\n" and len(parts) == 2
    assert split_sentences("one line\nthe next line. ") == ["one line\nthe next line. "]


def test_tokenize_uses_jieba_and_simplified_script():
    toks = tokenize("特朗普總統訪華 and the APEC summit")
    assert "特朗普" in toks and "总统" in toks
    assert "apec" in toks and "the" not in toks


def test_text_language():
    assert text_language("Trump visited China in May.") == "en"
    assert text_language("特朗普于5月访华。") == "zh"
    assert text_language("特朗普於5月訪華，這是九年來首次。") == "zh-Hant"


def test_traditional_conversion_does_not_read_across_words():
    assert to_traditional("美俄中三方核对话不现实") == "美俄中三方核對話不現實"
    assert to_traditional("中美关系新变化的重大意义") == "中美關係新變化的重大意義"
    assert to_traditional("APEC 和 G20 [ZH ¶3]") == "APEC 和 G20 [ZH ¶3]"
