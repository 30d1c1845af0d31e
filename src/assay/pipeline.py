"""`assay.load(name or path)`: a model ready to run over text or Documents."""
from __future__ import annotations

import json
from itertools import count
from pathlib import Path
from typing import Iterable, Iterator

from assay.doc import Document
from assay.models.contract import Extractor

ZOO = Path(__file__).parent / "zoo"
#: a pipeline directory's list of steps: {"steps": ["ner", "re"]}, each a model directory in it
PIPELINE = "pipeline.json"


def is_model(path: Path) -> bool:
    """Whether `path` is a model directory or a pipeline directory."""
    return (path / "config.json").exists() or (path / PIPELINE).exists()


def model_dirs(path: Path) -> list[Path]:
    """The model directories that run, in order: a pipeline's steps, or `path` itself."""
    if not (path / PIPELINE).exists():
        return [path]
    return [path / step for step in json.loads((path / PIPELINE).read_text())["steps"]]


def shipped_models() -> list[str]:
    """The names of the models inside the package (`assay.load(name)`)."""
    return sorted(p.name for p in ZOO.iterdir() if is_model(p)) if ZOO.exists() else []


def resolve_model(name_or_path: str | Path) -> Path:
    """A shipped model's directory, or the path given; a clear error when it is neither."""
    path = Path(name_or_path)
    if is_model(ZOO / str(name_or_path)):
        return ZOO / str(name_or_path)
    if is_model(path):
        return path
    raise FileNotFoundError(f"no model {str(name_or_path)!r}: not a shipped model "
                            f"({', '.join(shipped_models()) or 'none'}) nor a model directory")


def prompt_counts(extractors: Iterable[Extractor]) -> dict[str, int] | None:
    """What the language models among `extractors` answered in their last run, summed
    (`ShowsPrompts.prompt_counts`); None when none of them prompts one."""
    return summed(e.prompt_counts() for e in extractors if e.family.prompts)


def summed(counts: Iterable[dict[str, int] | None]) -> dict[str, int] | None:
    """Prompt counts added key by key (Nones left out); None when there are none to add."""
    kept = [c for c in counts if c is not None]
    return {key: sum(c[key] for c in kept) for key in kept[0]} if kept else None


class Pipeline:
    """Extractors run in turn over documents (span NER then docre, say)."""

    def __init__(self, extractors: list[Extractor]):
        self.extractors = extractors
        self.schema = extractors[-1].schema
        self._ids = count(1)

    def __call__(self, text: str | Document) -> Document:
        if not isinstance(text, (str, Document)):
            raise TypeError(f"nlp(text): text must be a str or a Document, not "
                            f"{type(text).__name__}")
        return next(self.pipe([text]))

    def pipe(self, texts: Iterable[str | Document], batch_size: int | None = None
             ) -> Iterator[Document]:
        """Annotated Documents, one per text, in order, streamed: texts are read as they are
        needed, a few thousand at a time. Plain strings become documents `text-1`, `text-2`,
        ... Documents keep their ids, sections and meta. `batch_size`: windows a batch
        (default 32 on a CPU, 128 on a GPU)."""
        if isinstance(texts, (str, Document)):
            raise TypeError("nlp.pipe(texts): texts must be an iterable of texts or Documents, "
                            f"not one {type(texts).__name__}; for one, use nlp(text) or "
                            "nlp.pipe([text])")
        if not isinstance(texts, Iterable):
            raise TypeError("nlp.pipe(texts): texts must be an iterable of texts or Documents, "
                            f"not {type(texts).__name__}")
        docs: Iterable[Document] = self._documents(texts)
        for extractor in self.extractors:
            docs = extractor.predict(docs, batch_size=batch_size)
        return iter(docs)

    def _documents(self, texts: Iterable[str | Document]) -> Iterator[Document]:
        for position, t in enumerate(texts):
            if isinstance(t, Document):
                yield t
            elif isinstance(t, str):
                yield Document(id=f"text-{next(self._ids)}", text=t)
            else:
                raise TypeError(f"nlp.pipe(texts): item {position} is a {type(t).__name__}; "
                                "each must be a str or a Document")


RUNTIMES = ("torch", "onnx")


def load(name_or_path: str | Path = "software", runtime: str = "torch",
         labels: list[str] | None = None, descriptions: dict[str, str] | None = None
         ) -> Pipeline:
    """A model directory, or a pipeline directory whose steps run in turn (NER, then
    relations). `runtime="onnx"` runs the network through ONNX Runtime from the graphs that
    `assay export` put in the model directory. `labels` (label-prompted families such as
    `span`): the entity types to find, seen in training or not, with optional descriptions."""
    from assay.models.registry import families, load_model

    if runtime not in RUNTIMES:
        raise ValueError(f"unknown runtime {runtime!r}; known: {', '.join(RUNTIMES)}")
    folders = model_dirs(resolve_model(name_or_path))
    extractors = [load_model(folder) for folder in folders]
    if runtime == "onnx":
        for extractor, folder in zip(extractors, folders):
            if not extractor.family.onnx:
                raise ValueError(f"the {extractor.family.name} family has no ONNX runtime yet")
            extractor.use_onnx(folder)
    if labels is not None:
        prompted = [e for e in extractors if e.family.takes_labels]
        if not prompted:
            raise ValueError(f"the {extractors[0].family.name} family finds the types it was "
                             "trained on only; labels can be given to label-prompted families "
                             f"({', '.join(n for n, f in families().items() if f.takes_labels)})")
        for extractor in prompted:
            extractor.use_labels(labels, descriptions)
    return Pipeline(extractors)


def ask(labels: list[str], model: str = "smollm2", url: str | None = None,
        descriptions: dict[str, str] | None = None, **settings) -> Pipeline:
    """An instruction-tuned language model asked for the entities of `labels`, untrained
    (zero-shot): `model` is `smollm2` (packaged), a Hugging Face id or path, or with `url`
    the name an OpenAI-compatible server knows it by. `settings`: any other field of the
    `llm` family's config (`template`, `target_length`, `timeout`, ...). Few-shot and LoRA
    models are made by `assay train` (configs/scierc-llm.toml) and loaded with `load`."""
    from assay.models.registry import family
    from assay.schema import Schema

    spec = family("llm")
    settings.setdefault("lora_rank", 0)  # nothing is trained: no adapters to carry
    extractor = spec.extractor.create(spec.config(model=model, url=url, labels=list(labels),
                                                  **settings),
                                      Schema(entity_labels=list(labels)))
    if descriptions:
        extractor.use_labels(list(labels), descriptions)
    return Pipeline([extractor])
