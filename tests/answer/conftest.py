"""Fixtures of the answer tests: the sample article with the rule-based fake model, a small document
built in code (units, compose and the verdict read it without an index), and a themes pair (an English
and a Chinese Markdown file) ingested into a real Chroma index in a temp dir."""

from __future__ import annotations

import pytest

from rag.index.retrieve import PairHit
from rag.types import Document, DocumentMeta, Hit, Paragraph
from tests.conftest import make_app

THEMES_EN = """# Themes

There are two obstacles to dynamic themes based on CSS variables:

- Old browsers such as IE11 do not support CSS variables.
- Variables cannot be computed at runtime by the algorithm.

The first release came out in 2019. It was written by a small team. The team grew over the next years \
as more people joined. Today it is maintained by volunteers from many countries. They meet every month.

| Option | Default |
|---|---|
| wave | true |
| size | middle |

Install it with:

```bash
npm install themes
```
"""

THEMES_ZH = """# 主题

基于 CSS 变量实现动态主题有两个障碍：

- 旧浏览器（例如 IE11）不支持 CSS 变量。
- 变量无法在运行时由算法计算。

第一个版本于 2019 年发布。它由一个小团队编写。此后几年团队不断壮大。如今它由来自许多国家的志愿者维护。他们每月开会一次。

| 选项 | 默认值 |
|---|---|
| wave | true |
| size | middle |

安装方法：

```bash
npm install themes
```

只有中文版写了这一段：主题文件放在 themes 目录下。
"""


def small_doc() -> Document:
    """A lead-in and its two list items, a paragraph of three sentences, and a paragraph only the
    Chinese version has (ZH ¶5)."""
    paras = [
        Paragraph("d", "en", 1, "Intro: the parts are as follows:", ("T",)),
        Paragraph("d", "en", 2, "first part", ("T",), kind="list"),
        Paragraph("d", "en", 3, "second part", ("T",), kind="list"),
        Paragraph("d", "en", 4, "One. Two is here. Three is longer than the others and ends.", ("T",)),
        Paragraph("d", "zh", 1, "简介：各部分如下：", ("T",)),
        Paragraph("d", "zh", 2, "第一部分", ("T",), kind="list"),
        Paragraph("d", "zh", 3, "第二部分", ("T",), kind="list"),
        Paragraph("d", "zh", 4, "一。二在这里。", ("T",)),
        Paragraph("d", "zh", 5, "只有中文。", ("T",)),
    ]
    return Document("d", "d.md", DocumentMeta(), tuple(paras), alignment=((1, 1), (2, 2), (3, 3), (4, 4)))


def pair(doc: Document, en: int | None, zh: int | None, score: float = 0.9) -> PairHit:
    """A retrieved aligned pair of ``doc`` (either side may be missing)."""
    def hit(lang, n):
        return Hit(doc.doc_id, lang, n, doc.get(lang, n).text, score) if n else None
    return PairHit(doc.doc_id, hit("en", en), hit("zh", zh), score)


@pytest.fixture
def app(settings):
    """The sample article with the rule-based fake model."""
    return make_app(settings)


@pytest.fixture
def pair_app(tmp_path, settings):
    """``make(replies, **settings)``: the themes pair in a fresh index, the model's replies in order (then rule-based)."""
    from ingest.indexer import indexer_for
    from ingest.targets import Target
    from rag.compose import App
    from rag.index.embedder import FakeEmbedder
    from rag.llm import FakeBackend

    (tmp_path / "themes.en.md").write_text(THEMES_EN, encoding="utf-8")
    (tmp_path / "themes.zh.md").write_text(THEMES_ZH, encoding="utf-8")

    def make(replies, **update):
        app = App(settings.model_copy(update=update), embedder=FakeEmbedder(), chat_backend=FakeBackend(replies))
        indexer_for(app).ingest([Target("themes", tmp_path / "themes.en.md", tmp_path / "themes.zh.md")], progress=False)
        return app
    return make
