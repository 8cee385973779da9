"""The answer pipeline's stages, in order, with the levers ``eval/ablate.py`` measures switched off.
Each stage class says its name and the setting that switches it on (None: always on); the
composition root builds the list from settings (``build``); the architecture document shows it."""

from __future__ import annotations

from dataclasses import dataclass, field

from rag.answer.asked import AskedStage
from rag.answer.check import CheckStage
from rag.answer.citations import CiteStage
from rag.answer.complete import CompleteStage
from rag.answer.context import ContextStage, RetrieveStage
from rag.answer.evidence import EvidenceStage
from rag.answer.generate import GenerateStage
from rag.answer.leadin import LeadInStage
from rag.answer.grounding import GlossStage
from rag.answer.polish import LanguageStage
from rag.answer.query import QueryStage
from rag.answer.quotes import QuotesStage
from rag.answer.purity import PurityStage
from rag.answer.replies import FinishStage
from rag.answer.state import Stage, Tools
from rag.answer.support import ClaimStage
from rag.answer.verdict import GateStage


@dataclass(frozen=True)
class Lever:
    """An answer-quality lever: a name, what it does, and the settings that switch it off."""

    name: str
    doc: str
    off: dict = field(default_factory=dict)


@dataclass(frozen=True)
class StageSpec:
    stage: type  # a Stage class: its module says its name and the setting that switches it
    levers: tuple[Lever, ...] = ()

    @property
    def name(self) -> str:
        return self.stage.name

    @property
    def setting(self) -> str | None:
        return self.stage.setting


STAGES: tuple[StageSpec, ...] = (
    StageSpec(QueryStage),
    StageSpec(RetrieveStage),
    StageSpec(LeadInStage, (
        Lever("leadins", "a sentence ending in a colon and the block it introduces (a command, list items, a table) join the context together", {"leadins": False}),
    )),
    StageSpec(EvidenceStage),
    StageSpec(ContextStage, (
        Lever("header-meta-only", "byline and date in the context only for questions about the document", {"header_for_meta_only": False}),
    )),
    StageSpec(GateStage, (
        Lever("header-fields", "author/title questions answered with the header's words; date/position ones overrule the model's NO", {"answer_header_fields": False}),
        Lever("renderings", "a question asking one language's word for another's answered with the pair a paragraph writes side by side (Qwen（通义千问）)", {"answer_renderings": False}),
    )),
    StageSpec(GlossStage, (
        Lever("name-variants", "a name the documents write another way (川普/特朗普, Putin/普京, 紐西蘭/新西兰) is grounded by their form and glossed for the model", {"name_variants": False}),
    )),
    StageSpec(CheckStage),
    StageSpec(GenerateStage),
    StageSpec(LanguageStage),
    StageSpec(CiteStage),
    StageSpec(ClaimStage, (
        Lever("claims", "each sentence supported by the paragraph it cites (its numbers and names stated, its content close), else removed", {"claim_check": False}),
    )),
    StageSpec(PurityStage, (
        Lever("purity", "no other-language words the cited paragraphs do not use", {"language_purity": False}),
    )),
    StageSpec(CompleteStage, (
        Lever("complete", "an answer sentence ending in a colon that cites a lead-in gets the block it announces, verbatim and cited", {"complete_leadins": False}),
    )),
    StageSpec(AskedStage, (
        Lever("asked-kinds", "a question asking a duration, percentage, size or price is refused when the answer states no quantity of that kind", {"asked_kinds": False}),
    )),
    StageSpec(QuotesStage, (Lever("quotes", "supporting quotes under the answer", {"quotes": False}),)),
    StageSpec(FinishStage),
)


def build(tools: Tools) -> list[Stage]:
    """The stages the settings switch on, in order."""
    return [spec.stage(tools) for spec in STAGES if spec.setting is None or getattr(tools.settings, spec.setting)]


def levers() -> list[Lever]:
    return [lever for spec in STAGES for lever in spec.levers]
