"""Sentence-level evidence: the context sentence most similar to the question, by the embedder.

A paragraph's embedding averages everything the paragraph says. ¶10 of the default article speaks of
the summit, of Taiwan and, in one sentence, of "whether the administration will become a lame duck
after the midterm elections"; "What worries Beijing about Washington's domestic politics after the
midterms?" is only 0.51 similar to the whole paragraph but 0.60 to that sentence. When the model's
check says NO, the pipeline embeds the sentences of the context paragraphs (with the embedder's
document prompt, LRU-cached) and answers if one of them is as similar as a paragraph would have to be
(``trust_retrieval_above``); that sentence, in the answer's language, is then quoted under the answer
unless the answer already says it. Used only on that path: one batch of about 15 short sentences, ~1 s on
2 cores with EmbeddingGemma.
"""

from __future__ import annotations

from typing import Sequence

from rag.index.embedder import Embedder, cosine_matrix
from rag.answer.quotes import sentences
from rag.types import Hit, Quote


def best_sentence(embedder: Embedder, query: str, hits: Sequence[Hit], lang: str | None = None) -> Quote | None:
    """The body sentence of ``hits`` (in ``lang`` when given) most similar to ``query``, with its cosine
    similarity as the score; None when there is none."""
    found = [(h, s) for h in hits if h.paragraph > 0 and lang in (None, h.lang) for s in sentences(h.text)]
    if not found or not query.strip():
        return None
    sims = cosine_matrix([embedder.embed_query(query)], embedder.embed_documents([s for _, s in found]))[0]
    i = int(sims.argmax())
    h, sent = found[i]
    return Quote(h.doc, h.lang, h.paragraph, sent, float(sims[i]))
