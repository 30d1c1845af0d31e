"""`assay.load(name or path)`: a model ready to run over text or Documents."""
from __future__ import annotations

from itertools import count
from pathlib import Path
from typing import Iterable, Iterator

from assay.doc import Document

ZOO = Path(__file__).parent / "zoo"


def shipped_models() -> list[str]:
    """The names of the models inside the package (`assay.load(name)`)."""
    return sorted(p.name for p in ZOO.iterdir() if (p / "config.json").exists()) \
        if ZOO.exists() else []


def resolve_model(name_or_path: str | Path) -> Path:
    """A shipped model's directory, or the path given; a clear error when it is neither."""
    path = Path(name_or_path)
    if (ZOO / str(name_or_path) / "config.json").exists():
        return ZOO / str(name_or_path)
    if (path / "config.json").exists():
        return path
    raise FileNotFoundError(f"no model {str(name_or_path)!r}: not a shipped model "
                            f"({', '.join(shipped_models()) or 'none'}) nor a model directory")


class Pipeline:
    """Extractors run in turn over documents (span NER then docre, say)."""

    def __init__(self, extractors: list):
        self.extractors = extractors
        self.schema = extractors[-1].schema
        self._ids = count(1)

    def __call__(self, text: str | Document) -> Document:
        return next(self.pipe([text]))

    def pipe(self, texts: Iterable[str | Document], batch_size: int | None = None
             ) -> Iterator[Document]:
        """Annotated Documents, one per text, in order, streamed: texts are read as they are
        needed, a few thousand at a time. Plain strings become documents `text-1`, `text-2`,
        ... Documents keep their ids, sections and meta. `batch_size`: windows a batch
        (default 32 on a CPU, 128 on a GPU)."""
        docs: Iterable[Document] = (t if isinstance(t, Document) else
                                    Document(id=f"text-{next(self._ids)}", text=t) for t in texts)
        for extractor in self.extractors:
            docs = extractor.predict(docs, batch_size=batch_size)
        return iter(docs)


RUNTIMES = ("torch", "onnx")


def load(name_or_path: str | Path = "software", runtime: str = "torch",
         labels: list[str] | None = None, descriptions: dict[str, str] | None = None
         ) -> Pipeline:
    """`runtime="onnx"` runs the network through ONNX Runtime from the graphs that
    `assay export` put in the model directory. `labels` (label-prompted families such as
    `span`): the entity types to find, seen in training or not, with optional descriptions."""
    from assay.models.registry import load_model

    if runtime not in RUNTIMES:
        raise ValueError(f"unknown runtime {runtime!r}; known: {', '.join(RUNTIMES)}")
    path = resolve_model(name_or_path)
    extractor = load_model(path)
    if runtime == "onnx":
        if not hasattr(extractor, "use_onnx"):
            raise ValueError(f"the {extractor.family} family has no ONNX runtime yet")
        extractor.use_onnx(path)
    if labels is not None:
        if not hasattr(extractor, "use_labels"):
            raise ValueError(f"the {extractor.family} family finds the types it was trained on "
                             "only; labels can be given to label-prompted families (span)")
        extractor.use_labels(labels, descriptions)
    return Pipeline([extractor])
