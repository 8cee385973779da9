"""The textbook LangChain RAG, on the same models, so every report shows what our pipeline adds:
dense top-k chunks only (no BM25, no aligned twins, no header), one English prompt, the model's own
citation markers taken as they are, no answerability check, no language enforcement."""

from __future__ import annotations

import time

from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from rag.answer.markers import parse_markers
from rag.answer.query import question_language, validate_question
from rag.text.chinese import to_simplified
from rag.text.language import text_language
from rag.types import Answer, Citation, Hit

NAIVE_PROMPT = ChatPromptTemplate.from_messages(
    [
        ("system", "Answer the question using only the context below. Cite the paragraphs you use like [EN ¶3]. "
                   "If the context does not contain the answer, say you don't know.\n\nContext:\n{context}"),
        ("human", "{question}"),
    ]
)
_DONT_KNOW = ("don't know", "do not know", "not contain", "不知道", "没有")


class NaivePipeline:
    def __init__(self, retriever, backend, k: int = 4) -> None:
        self.retriever = retriever
        self.backend = backend
        self.k = k

    def answer(self, question: str, history=(), lang=None, k=None, docs=None) -> Answer:
        t0 = time.perf_counter()
        question = validate_question(question)
        question_language(question, lang)  # an unknown answer language is refused as the full pipeline refuses it
        vec = self.retriever.embedder.embed_query(to_simplified(question))
        chunks = self.retriever.store.search(vec, k=k or self.k, docs=docs)
        t_ret = (time.perf_counter() - t0) * 1000
        context = "\n\n".join(f"[{c.lang.upper()} ¶{c.paragraph}] {c.text}" for c in chunks)
        chain = NAIVE_PROMPT | self.backend.llm | StrOutputParser()
        parts: list[str] = []
        first = None
        t_gen = time.perf_counter()
        for tok in chain.stream({"context": context, "question": question}):
            if first is None:
                first = (time.perf_counter() - t0) * 1000
            parts.append(tok)
        text = "".join(parts).strip()
        by_key = {(c.lang, c.paragraph): c for c in chunks}
        cits = []
        for lang_, n in parse_markers(text):
            c = by_key.get((lang_, n))
            doc = c.doc if c else (chunks[0].doc if chunks else "")
            cits.append(Citation(doc, lang_, n, c.text if c else ""))  # type: ignore[arg-type]
        refused = any(p in text.lower() for p in _DONT_KNOW) and len(text) < 200
        hits = tuple(Hit(c.doc, c.lang, c.paragraph, c.text, c.similarity) for c in chunks)  # type: ignore[arg-type]
        total = (time.perf_counter() - t0) * 1000
        lang_out = text_language(text)
        return Answer(
            question, text, lang_out, refused, tuple(dict.fromkeys(cits)), hits,  # type: ignore[arg-type]
            {"retrieve": t_ret, "first_token": first or total, "generate": (time.perf_counter() - t_gen) * 1000, "total": total},
            question,
        )
