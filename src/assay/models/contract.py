"""The family contract: what every model family implements, and what it declares of itself.

The Pipeline, the Trainer, `assay models`, `assay export` and `assay bench speed` call exactly
these hooks and read exactly these declarations; nothing probes a family for what it might
have. A family is a package under `assay/models/` whose extractor class is decorated with
`registry.register(...)`, which records its `Family` (name, config class, capabilities).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import (IO, TYPE_CHECKING, ClassVar, Iterable, Iterator, Literal, Protocol,
                    runtime_checkable)

if TYPE_CHECKING:  # annotations only: the contract imports no framework
    import torch
    from pydantic import BaseModel

    from assay.doc import Document
    from assay.schema import Schema

#: what a family produces: entities alone, entities and the relations between them, or
#: relations between entities a document already has (given, or found by an earlier step)
Produces = Literal["entities", "entities+relations", "relations"]


@dataclass(frozen=True)
class Family:
    """A registered family and its declared capabilities."""

    name: str
    config: type[BaseModel]    # its hyper-parameters: the `[model]` table of a recipe
    extractor: type            # the class that implements `Extractor` (and `Trainable`)
    produces: Produces
    takes_labels: bool = False  # entity types can be named at inference (`LabelPrompted`)
    onnx: bool = False          # the network exports to ONNX and runs there (`OnnxExportable`)
    prompts: bool = False       # it asks a language model, and shows how (`ShowsPrompts`)

    @property
    def finds(self) -> str:
        """What it finds, in words."""
        return {"entities": "entities", "entities+relations": "entities and relations",
                "relations": "relations between given entities"}[self.produces]

    @property
    def finds_entities(self) -> bool:
        return self.produces != "relations"

    @property
    def finds_relations(self) -> bool:
        return self.produces != "entities"


@dataclass(frozen=True)
class Annotated:
    """The labels a training document's source annotates. A type the source does not annotate
    is unknown in its documents, not absent: a family must not learn from them that it is
    wrong there (no negative targets, no loss). `None`: every label is annotated."""

    entities: frozenset[str] | None = None
    relations: frozenset[str] | None = None

    def entity(self, label: str) -> bool:
        return self.entities is None or label in self.entities

    def relation(self, label: str) -> bool:
        return self.relations is None or label in self.relations


EVERYTHING = Annotated()


class Example(Protocol):
    """One training or prediction input a family makes from documents (a window of a
    sentence, a whole document, a prompt): it knows which document it came from."""

    doc: int  # the index of its document in the list the family was given

    def __len__(self) -> int: ...  # its size, for batching by length


@runtime_checkable
class Extractor(Protocol):
    """What every family implements: Documents in, Documents with predictions out."""

    family: ClassVar[Family]   # set by `registry.register`
    schema: Schema             # the labels it finds (and relations with their argument pairs)

    def predict(self, docs: Iterable[Document], batch_size: int | None = None
                ) -> Iterator[Document]:
        """Each document, in order and streamed, with its annotations replaced by the
        predicted ones (a `relations` family keeps the entities and replaces the relations);
        id, text, sentences, sections and meta kept."""
        ...

    def save(self, path: Path) -> None:
        """A model directory `load` reads back to the same predictions."""
        ...

    @classmethod
    def load(cls, path: Path) -> "Extractor":
        """The extractor saved in `path`."""
        ...


@runtime_checkable
class Trainable(Extractor, Protocol):
    """What the Trainer calls: a family that learns from Documents implements these too."""

    module: torch.nn.Module    # every trained parameter (checkpoints save its state)
    device: torch.device
    tokenizer: object          # its fast tokenizer (sub-word pieces with character offsets)
    skipped: int               # gold annotations the last `examples` call could not use
    skip_reason: str           # ... and why, said after the count

    @classmethod
    def create(cls, config: BaseModel, schema: Schema) -> "Trainable":
        """A new model to train (pretrained encoder weights, fresh heads)."""
        ...

    def model_view(self, docs: list[Document]) -> list[Document]:
        """The documents as the model reads them (lower-cased, say); offsets unchanged."""
        ...

    def examples(self, docs: list[Document], annotated: list[Annotated]) -> list[Example]:
        """Training examples with their targets; `annotated[k]` says which labels document k's
        source annotates (targets of other labels are left out, never made negative). Gold
        annotations the family cannot use are counted in `skipped`."""
        ...

    def batches(self, examples: list[Example], batch_size: int, seed: int | None = None
                ) -> Iterator[dict]:
        """Batches of examples of similar length; with a seed (training), in a random order
        drawn from it, so that a resumed run sees the same batches. A batch holds its
        examples under `"examples"` (the Trainer counts them)."""
        ...

    def start_epoch(self, epoch: int) -> None:
        """Called before each training epoch (from 1): a family whose objective changes over
        training (a curriculum, losses switched on late) sets itself for this epoch, so that a
        resumed run trains as an uninterrupted one."""
        ...

    def training_step(self, batch: dict) -> dict[str, torch.Tensor]:
        """The loss terms of a batch by name; `loss` is the one minimised, the others are
        logged (`ner`, `re`, ...)."""
        ...

    def parameter_groups(self) -> tuple[list, list]:
        """(encoder parameters, head parameters): they get separate learning rates."""
        ...

    def encoders(self) -> list["torch.nn.Module"]:
        """The pretrained encoders it runs (one, or one per task)."""
        ...

    def encoder_batches(self, docs: list[Document], batch_size: int) -> Iterator[dict]:
        """The encoders' inputs (`input_ids`, `attention_mask`) when predicting `docs`, batch
        by batch: `assay bench speed` times the bare encoders on them, the ceiling."""
        ...

    def save(self, path: Path, dtype: "torch.dtype | None" = None) -> None:
        """As `Extractor.save`, weights stored in `dtype` (default float32)."""
        ...


@runtime_checkable
class LabelPrompted(Protocol):
    """A family that takes entity types at inference (`Family.takes_labels`)."""

    def use_labels(self, labels: list[str], descriptions: dict[str, str] | None = None) -> None:
        """Find these types from now on, seen in training or not, each optionally described."""
        ...


@runtime_checkable
class ShowsPrompts(Protocol):
    """A family that prompts a language model (`Family.prompts`): each prompt, the raw answer
    and what was made of it can be written out as they happen."""

    def show_prompts(self, stream: "IO[str] | None") -> None:
        """Write one JSON line per prompt to `stream` from now on (None: stop)."""
        ...

    def prompt_counts(self) -> dict[str, int]:
        """Of the last `predict` run (each `nlp(text)` is one): `prompts` asked, answers
        `cut` at the length limit, answered mentions `unplaced` (not in the text: reported,
        never forced onto a span), mentions of `unknown_types` (dropped), answers `mended`
        to parse."""
        ...


@runtime_checkable
class OnnxExportable(Protocol):
    """A family whose network runs on ONNX Runtime (`Family.onnx`)."""

    def export_onnx(self, source: Path, target: Path, int8: bool = False) -> Path:
        """`source` (this model's directory) copied to `target` with ONNX graphs added."""
        ...

    def use_onnx(self, path: Path) -> None:
        """Run the network from the graphs in `path` from now on."""
        ...
