"""A tiny encoder (random weights, MiniLM's vocabulary) and a tiny joint model trained on the
shipped sample until it knows it by heart: fast enough for every test run."""
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


def write_recipe(folder: Path, encoder: Path, epochs: int = 60, **train) -> Path:
    """A recipe training a tiny joint model on the sample; `train` replaces [train] keys."""
    settings = {"output": str(folder / "model"), "epochs": epochs, "batch_size": 2,
                "lr_encoder": 3e-3, "lr_head": 1e-2, "warmup": 0.05, "patience": epochs,
                "metric": "total.micro_f1", "seed": 1, **train}
    recipe = folder / "recipe.toml"
    recipe.write_text(f"""
[data]
format = "jsonl"
train = "{SAMPLE}"
dev = "{SAMPLE}"
protocol = "somd"

[model]
family = "joint"
encoder = "{encoder}"
max_length = 64
dropout = 0.0
char_dim = 8

[train]
""" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items()))
    return recipe


@pytest.fixture(scope="session")
def encoder(tmp_path_factory) -> Path:
    return tiny_encoder(tmp_path_factory.mktemp("encoder"))


@pytest.fixture(scope="session")
def trained(tmp_path_factory, encoder) -> Path:
    """The directory of a tiny joint model that has overfit the sample."""
    from assay.training import load_recipe, train

    folder = tmp_path_factory.mktemp("joint")
    train(load_recipe(write_recipe(folder, encoder)), quiet=True)
    return folder / "model"
