"""What the PyTorch families share: the model directory (config, weights, schema, tokenizer),
frozen encoder parameters, devices, streamed prediction over windows, parameter groups. The
contract they implement is `assay.models.contract`."""
from __future__ import annotations

import json
import random
from contextlib import contextmanager
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import ClassVar, Iterable, Iterator, Sequence

import torch
from torch import nn

from assay.doc import Document, Entity, Relation
from assay.models.contract import Family
from assay.models.windows import make_windows
from assay.schema import Schema

WEIGHTS = "weights.safetensors"


def default_device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def default_batch_size(device: torch.device) -> int:
    """Windows a batch when the user names none: 32 on a CPU; more on a GPU, where a batch
    of 32 short sentences leaves most of the device idle."""
    return 128 if device.type == "cuda" else 32


@contextmanager
def inference(device: torch.device) -> Iterator[None]:
    """No autograd; on a GPU, mixed precision too (bf16 where the device has it, else fp16)."""
    with torch.inference_mode():
        if device.type != "cuda":
            yield
            return
        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        with torch.autocast("cuda", dtype=dtype):
            yield


def with_predictions(doc: Document, entities: list[Entity],
                     relations: list[Relation]) -> Document:
    """`doc` with its annotations replaced by predictions (id, text, sentences, sections and
    meta kept), entities numbered T1.. in text order and relations R1.."""
    order = sorted(range(len(entities)), key=lambda i: (entities[i].start, entities[i].end))
    new_id = {entities[i].id: f"T{k}" for k, i in enumerate(order, 1)}
    ents = [replace(entities[i], id=new_id[entities[i].id]) for i in order]
    rels = [replace(r, head=new_id[r.head], tail=new_id[r.tail], id=f"R{k}")
            for k, r in enumerate(relations, 1)]
    return replace(doc, entities=ents, relations=rels, groups=[])


def length_batches(examples: Sequence, batch_size: int, seed: int | None = None,
                   rng: random.Random | None = None) -> list[list[int]]:
    """The examples' indices in batches of similar length (less padding); with a seed
    (training), the batches in a random order drawn from `rng` (or a new one seeded so)."""
    order = sorted(range(len(examples)), key=lambda i: len(examples[i]))
    groups = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if seed is not None:
        (rng or random.Random(seed)).shuffle(groups)
    return groups


CHUNK = 8  # documents read at a time when predicting, in batches: memory stays constant, and
# an interrupted extract keeps all but the last 8 batches of documents (a smaller chunk batches
# windows of like length less well)


def aliases(module: nn.Module) -> set[str]:
    """State names whose tensor is an earlier name's (tied weights: a language model's output
    layer and its input embeddings): saved once, under the earlier name."""
    seen, repeated = set(), set()
    for name, tensor in module.state_dict(keep_vars=True).items():
        if id(tensor) in seen:
            repeated.add(name)
        seen.add(id(tensor))
    return repeated


def trainable_state(module: nn.Module) -> dict[str, torch.Tensor]:
    """The state to save: everything but frozen parameters (they come from the encoder's
    pretrained weights when the model is loaded) and tied copies."""
    left_out = {n for n, p in module.named_parameters() if not p.requires_grad} | aliases(module)
    return {n: t for n, t in module.state_dict().items() if n not in left_out}


def save_dir(path: Path, config: dict, encoder_config: dict, schema: Schema, module: nn.Module,
             tokenizer, dtype: torch.dtype = torch.float32) -> None:
    """A model directory: config.json (the family's config and the encoder's architecture),
    schema.json, tokenizer/ and the weights (frozen encoder parameters left out)."""
    from safetensors.torch import save_file

    path.mkdir(parents=True, exist_ok=True)
    # the encoder's own path on this machine says nothing elsewhere: config["encoder"] names it
    architecture = {k: v for k, v in encoder_config.items() if k != "_name_or_path"}
    (path / "config.json").write_text(json.dumps(
        {"model": config, "encoder_config": architecture}, indent=2, default=str),
        encoding="utf-8")
    schema.save(path / "schema.json")
    tokenizer.save_pretrained(str(path / "tokenizer"))
    state = {n: (t.to(dtype) if t.is_floating_point() else t).contiguous()
             for n, t in trainable_state(module).items()}
    save_file(state, str(path / WEIGHTS))


def read_dir(path: Path) -> tuple[dict, dict, Schema]:
    config_file = path / "config.json"
    if not config_file.exists():
        raise FileNotFoundError(f"{path}: not a model directory (no config.json)")
    data = json.loads(config_file.read_text(encoding="utf-8"))
    return data["model"], data["encoder_config"], Schema.load(path / "schema.json")


def load_fitting(module: nn.Module, path: Path) -> list[str]:
    """Fill `module` from `path`'s weights where a tensor of the same name has the same shape;
    the names of the weights left as they were (another model's label lists size them)."""
    from safetensors.torch import load_file

    reference = module.state_dict()
    state = {n: t.to(reference[n].dtype) for n, t in load_file(str(path / WEIGHTS)).items()
             if n in reference and t.shape == reference[n].shape}
    module.load_state_dict(state, strict=False)
    return sorted(set(trainable_state(module)) - set(state))


def load_weights(module: nn.Module, path: Path) -> None:
    """Fill `module` from `path`'s weights; what is missing must be frozen parameters."""
    from safetensors.torch import load_file

    load_state(module, load_file(str(path / WEIGHTS)), path / WEIGHTS)


def load_state(module: nn.Module, state: dict[str, torch.Tensor], source: Path) -> None:
    """Fill `module` from a `trainable_state` (or a whole state dict) read from `source`; what
    is missing must be frozen parameters or tied copies."""
    reference = module.state_dict()
    state = {n: t.to(reference[n].dtype) if n in reference else t for n, t in state.items()}
    result = module.load_state_dict(state, strict=False)
    frozen = {n for n, p in module.named_parameters() if not p.requires_grad}
    missing = set(result.missing_keys) - frozen - aliases(module)
    if missing or result.unexpected_keys:
        raise ValueError(f"{source}: weights do not fit the model (missing "
                         f"{sorted(missing)[:3]}, unexpected {result.unexpected_keys[:3]})")


class TorchExtractor:
    """What the PyTorch families share: construction for training (`create`) and from a model
    directory (`load`), `save`, and the encoder / head parameter groups. A family is
    registered (`registry.register`, which sets `family`), sets `skip_reason`, and builds its
    network in `_build`."""

    family: ClassVar[Family]
    skip_reason: str = ""
    skipped: int = 0
    fresh: list[str] = []  # parameters `init_from` could not fill (their labels differ)

    def __init__(self, config, schema: Schema, module: nn.Module, tokenizer, encoder_config: dict):
        self.config, self.schema, self.module, self.tokenizer = config, schema, module, tokenizer
        self.encoder_config = encoder_config
        self.device = default_device()
        self.module.to(self.device)

    @classmethod
    def create(cls, config, schema: Schema):
        """A new model for training: on pretrained encoder weights, or with `init_from` on the
        weights of an earlier model of the same family and labels."""
        from assay.models.encoders import load_tokenizer

        extractor = cls._build(config, schema, True, load_tokenizer(config.encoder))
        if config.init_from:
            from assay.pipeline import resolve_model

            earlier = resolve_model(config.init_from)
            _, _, known = read_dir(earlier)
            # the output space is the two label lists (the pairs a relation allows are not)
            if (known.entity_labels, list(known.relation_labels)) == \
                    (schema.entity_labels, list(schema.relation_labels)):
                load_weights(extractor.module, earlier)
            else:  # other labels (roles kept, say): the layers they size start fresh
                extractor.fresh = load_fitting(extractor.module, earlier)
        return extractor

    @classmethod
    def load(cls, path: Path):
        from transformers import AutoTokenizer

        from assay.models.encoders import merge_adapters

        path = Path(path)
        config_data, encoder_config, schema = read_dir(path)
        config = cls.family.config(**config_data)
        # frozen parameters are not in the weights file: they come from the pretrained encoder
        extractor = cls._build(config, schema, config.needs_pretrained,
                               AutoTokenizer.from_pretrained(str(path / "tokenizer")),
                               encoder_config)
        load_weights(extractor.module, path)
        merge_adapters(extractor.module)
        extractor.module.eval()
        return extractor

    @classmethod
    def _build(cls, config, schema: Schema, pretrained: bool, tokenizer,
               encoder_config: dict | None = None):
        raise NotImplementedError

    @property
    def window_length(self) -> int:
        """Sub-word pieces a window of text may take (what `make_windows` is given)."""
        raise NotImplementedError

    #: units a predicted mention may run on from its first (`make_windows`' `reach`)
    window_reach = 0

    def _predict_batch(self, batch: dict, found: list) -> None:
        """Append each window's predictions to its document's `empty_predictions`."""
        raise NotImplementedError

    def predict(self, docs: Iterable[Document], batch_size: int | None = None
                ) -> Iterator[Document]:
        """Each document with its annotations replaced by the predicted ones, streamed: CHUNK
        batches of documents at a time are cut into inputs (`prediction_inputs`), batched by
        length, predicted and given back in order (default batch: `default_batch`)."""
        if self.module.training:  # eval() walks every submodule: a cost on each small call
            self.module.eval()
        batch_size = batch_size or self.default_batch()
        docs = iter(docs)
        while chunk := list(islice(docs, CHUNK * batch_size)):
            found = [self.empty_predictions() for _ in chunk]
            with inference(self.device):
                for batch in self.batches(self.prediction_inputs(self.model_view(chunk)),
                                          batch_size):
                    self._predict_batch(batch, found)
            for doc, predictions in zip(chunk, found):
                yield self.answer(doc, *predictions)

    def empty_predictions(self) -> tuple:
        """What `_predict_batch` fills for one document and `answer` is given after the
        document: ([entities], [relations]), and whatever else a family counts."""
        return [], []

    def start_epoch(self, epoch: int) -> None:
        """A family whose objective changes over training sets itself for this epoch."""

    def default_batch(self) -> int:
        return default_batch_size(self.device)

    def batches(self, examples: list, batch_size: int, seed: int | None = None
                ) -> Iterator[dict]:
        """Batches of examples of similar length (less padding), in a seeded random order
        when training; each made by the family's `collate(examples) -> dict`."""
        for group in length_batches(examples, batch_size, seed):
            yield self.collate([examples[i] for i in group])

    def collate(self, examples: list) -> dict:
        """One batch of examples: the tensors the family's network takes, and the examples
        under `"examples"`."""
        raise NotImplementedError

    def encoders(self) -> list[nn.Module]:
        return self.module.encoders()

    def encoder_batches(self, docs: list[Document], batch_size: int) -> Iterator[dict]:
        """What the encoders read when predicting these documents, batch by batch
        (`input_ids`, `attention_mask`): `assay bench speed` times the bare encoders on it."""
        for batch in self.batches(self.prediction_inputs(self.model_view(docs)), batch_size):
            yield self.encoder_inputs(batch)

    def encoder_inputs(self, batch: dict) -> dict:
        """The encoder's inputs in a batch of `batches`."""
        return {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"]}

    def prediction_inputs(self, docs: list[Document]) -> list:
        """What `batches` is given for these documents when predicting: their windows."""
        return make_windows(docs, self.tokenizer, self.window_length,
                            split_digits=self.config.split_digits, reach=self.window_reach)

    def answer(self, doc: Document, entities: list[Entity], relations: list[Relation]
               ) -> Document:
        """`doc` with what was predicted for it."""
        return with_predictions(doc, entities, relations)

    def model_view(self, docs: list[Document]) -> list[Document]:
        """The documents with their text as the model reads it (the config's `model_text`:
        same length, so annotations and predictions keep their offsets)."""
        if not (self.config.lowercase or self.config.normalise_spaces):
            return docs
        return [replace(d, text=self.config.model_text(d.text)) for d in docs]

    def save(self, path: Path, dtype: torch.dtype = torch.float32) -> None:
        save_dir(Path(path), self.config.model_dump(), self.encoder_config, self.schema,
                 self.module, self.tokenizer, dtype)

    def parameter_groups(self) -> tuple[list, list]:
        """(encoder parameters, head parameters), for their separate learning rates."""
        encoder_ids = {id(p) for e in self.encoders() for p in e.parameters()}
        params = [p for p in self.module.parameters() if p.requires_grad]
        return ([p for p in params if id(p) in encoder_ids],
                [p for p in params if id(p) not in encoder_ids])
