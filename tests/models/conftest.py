"""A tiny encoder (random weights, MiniLM's vocabulary) and each family's tiny models
(`tiny.py`) trained on the shipped sample until they know it by heart: fast enough for every
test run."""
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "software.jsonl"


def tiny_encoder(folder: Path) -> Path:
    from transformers import BertConfig, BertModel

    from assay.models.encoders import load_tokenizer

    import torch
    torch.manual_seed(0)
    tokenizer = load_tokenizer("minilm")
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=128)
    BertModel(config, add_pooling_layer=False).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


from tests.models.tiny import TINY, Tiny  # noqa: E402  (each family's tiny configs)


def write_recipe(folder: Path, encoder: Path, tiny: Tiny | None = None, **train) -> Path:
    """A recipe training a tiny model (the plain joint one unless `tiny` says otherwise) on
    the sample; `train` replaces [train] keys."""
    tiny = tiny or TINY["joint"]["plain"]
    model = {**tiny.model, "encoder": str(encoder)}
    settings = {"output": str(folder / "model"), "epochs": tiny.epochs,
                "batch_size": tiny.batch_size, "lr_encoder": 3e-3, "lr_head": 1e-2,
                "warmup": 0.05, "patience": tiny.epochs, "metric": tiny.metric, "seed": 1,
                **tiny.train, **train}
    recipe = folder / "recipe.toml"
    recipe.write_text(f"""
[data]
format = "jsonl"
train = "{SAMPLE}"
dev = "{SAMPLE}"
protocol = "{tiny.protocol}"

[model]
""" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in model.items()) + """
[train]
""" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items()))
    return recipe


@pytest.fixture(scope="session")
def encoder(tmp_path_factory) -> Path:
    return tiny_encoder(tmp_path_factory.mktemp("encoder"))


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, encoder):
    """`tiny_model(family, variant)`: the directory of that tiny model, trained on the sample
    until it knows it by heart (once a session)."""
    from assay.training import load_recipe, train

    made: dict[tuple[str, str], Path] = {}

    def get(family: str, variant: str = "plain") -> Path:
        if (family, variant) not in made:
            folder = tmp_path_factory.mktemp(f"{family}-{variant}")
            train(load_recipe(write_recipe(folder, encoder, TINY[family][variant])), quiet=True)
            made[family, variant] = folder / "model"
        return made[family, variant]

    return get


@pytest.fixture(scope="session")
def trained(tiny_model) -> Path:
    """A tiny joint model that has overfit the sample."""
    return tiny_model("joint")


@pytest.fixture(scope="session")
def trained_lora(tiny_model) -> Path:
    """A tiny joint model with LoRA adapters on a frozen encoder."""
    return tiny_model("joint", "lora")


@pytest.fixture(scope="session")
def trained_crf(tiny_model) -> Path:
    """A tiny joint model with a BiLSTM and a CRF tagger."""
    return tiny_model("joint", "crf")


@pytest.fixture(scope="session")
def trained_span_head(tiny_model) -> Path:
    """A tiny joint model with a span head."""
    return tiny_model("joint", "span_head")


@pytest.fixture(scope="session")
def trained_span(tiny_model) -> Path:
    """A tiny span model that has overfit the sample's entities."""
    return tiny_model("span")


@pytest.fixture(scope="session")
def trained_docre(tiny_model) -> Path:
    """A tiny docre model that has overfit the sample's relations."""
    return tiny_model("docre")
