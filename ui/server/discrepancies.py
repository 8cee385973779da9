"""GET /v1/documents/{doc}/discrepancies: where the two versions of a document disagree (``rag.diff``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter

from rag.errors import InputError, NotFoundError

if TYPE_CHECKING:
    from rag.compose import App


def discrepancy_routes(app: App) -> APIRouter:
    r = APIRouter(tags=["documents"])

    @r.get("/documents/{doc}/discrepancies")
    def document_discrepancies(doc: str, kind: str | None = None) -> dict:
        """The discrepancies between a document's English and Chinese versions, in document order, each
        with its kind (missing, numbers, names, structure, stale), severity, one-line reason and both
        versions' paragraphs (text, section, page); `counts` per kind. `?kind=numbers` keeps one kind."""
        from rag.diff import counts, discrepancies
        from rag.types import DISCREPANCY_KINDS

        if kind is not None and kind not in DISCREPANCY_KINDS:
            raise InputError(f"unknown kind {kind!r}", hint="kinds: " + ", ".join(DISCREPANCY_KINDS))
        d = app.store.get_document(doc)
        if d is None:
            raise NotFoundError(f"no document {doc!r}", hint="see GET /v1/documents")
        found = discrepancies(d)
        shown = [x for x in found if kind is None or x.kind == kind]
        return {"doc": doc, "languages": list(d.langs), "counts": counts(found),
                "discrepancies": [x.record(d) for x in shown]}

    return r
