"""What an ingest did to one document, for people (`rag ingest`, the UI) and programs (`--json`)."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.align import AlignStats
from rag.types import Skipped


@dataclass(frozen=True)
class IngestReport:
    doc_id: str
    source: str
    status: str  # added | updated | unchanged
    n_en: int
    n_zh: int
    pairs: int
    unaligned: tuple[tuple[str, int], ...]
    chunks: int
    seconds: float
    blocks_read: tuple[tuple[str, int, int], ...] = ()  # per language: (lang, blocks read, of which front matter)
    skipped: tuple[Skipped, ...] = ()  # what was not stored, and why
    alignment: AlignStats | None = None
    discrepancies: dict[str, int] | None = None  # per kind (`rag diff`), for a two-language document

    def paragraphs(self, lang: str) -> int:
        return self.n_en if lang == "en" else self.n_zh

    def lines(self) -> list[str]:
        """What `rag ingest` prints: per language, blocks read → paragraphs stored, and every skip."""
        if self.status == "unchanged":
            return [f"{self.doc_id}: unchanged, nothing to do"]
        out = [f"{self.doc_id}: {self.status}; chunks={self.chunks}; {self.seconds:.1f} s"]
        for lang, read, front in self.blocks_read:
            skipped = [s for s in self.skipped if s.lang == lang]
            line = f"  {lang}: {read} blocks read → {self.paragraphs(lang)} paragraphs"
            line += f" + ¶0 (front matter, {front} block{'s' if front != 1 else ''})" if front else ""
            out.append(line + (f"; {len(skipped)} skipped" if skipped else ""))
        for (lang, reason), items in _group(self.skipped).items():
            pages = sorted({s.page for s in items if s.page})
            where = f", pages {', '.join(map(str, pages))}" if pages else ""
            held = sum(s.chars for s in items)
            where += f"; {held} characters" if held else ""
            out.append(f"    skipped {lang} ×{len(items)}: {reason}{where} (“{items[0].what}”)")
        if self.alignment is not None:
            a = self.alignment
            out.append(f"  aligned: {a.links} links ({a.merged} joining two or three paragraphs); "
                       f"unaligned: en {a.unaligned_en}, zh {a.unaligned_zh}")
        if self.discrepancies is not None:
            shown = ", ".join(f"{k} {n}" for k, n in self.discrepancies.items())
            out.append(f"  discrepancies: {shown} (rag diff {self.doc_id})")
        if self.unaligned:
            shown = ", ".join(f"{lang.upper()} ¶{n}" for lang, n in self.unaligned[:30])
            more = f" and {len(self.unaligned) - 30} more" if len(self.unaligned) > 30 else ""
            out.append(f"  unaligned: {shown}{more}")
        return out

    def to_json(self) -> dict:
        a = self.alignment
        return {
            "doc": self.doc_id, "status": self.status, "paragraphs": {"en": self.n_en, "zh": self.n_zh},
            "blocks": {lang: {"read": read, "front_matter": front, "paragraphs": self.paragraphs(lang),
                              "skipped": sum(1 for s in self.skipped if s.lang == lang)}
                       for lang, read, front in self.blocks_read},
            "skipped": [{"lang": s.lang, "reason": s.reason, "text": s.what, "page": s.page}
                        | ({"chars": s.chars} if s.chars else {}) for s in self.skipped],
            "aligned_pairs": self.pairs,
            "alignment": None if a is None else {"links": a.links, "merged": a.merged,
                                                 "unaligned": {"en": a.unaligned_en, "zh": a.unaligned_zh}},
            "unaligned": [f"{lang.upper()} ¶{n}" for lang, n in self.unaligned],
            "discrepancies": self.discrepancies,
            "chunks": self.chunks, "seconds": round(self.seconds, 2),
        }


def _group(skipped) -> dict[tuple[str, str], list[Skipped]]:
    out: dict[tuple[str, str], list[Skipped]] = {}
    for s in skipped:
        out.setdefault((s.lang, s.reason), []).append(s)
    return out
