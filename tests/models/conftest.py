"""A tiny encoder (random weights, MiniLM's vocabulary) and tiny joint and span models trained
on the shipped sample until they know it by heart: fast enough for every test run."""
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


JOINT = {"family": "joint", "max_length": 64, "dropout": 0.0, "char_dim": 8}
# LoRA adapters on the tiny encoder, which is otherwise frozen (what the shipped models do)
JOINT_LORA = {**JOINT, "lora_rank": 8, "lora_alpha": 16}
# a CRF over the tags instead of token-level cross-entropy, a BiLSTM over the unit vectors
JOINT_CRF = {**JOINT, "ner_loss": "crf", "context_dim": 8}
# a span head instead of IOB2 tags: spans of up to 8 units classified
JOINT_SPANS = {**JOINT, "ner_loss": "spans", "max_width": 8}
# a tiny random encoder is slow to learn to read the words after each <ENT> marker: "marker_words"
SPAN = {"family": "span", "max_length": 128, "dropout": 0.0, "max_width": 20, "hidden": 32,
        "type_repr": "marker_words"}


# relations between the sample's given entities, each mention an entity of its own
DOCRE = {"family": "docre", "max_length": 64, "dropout": 0.0, "grouping": "mention",
         "emb_size": 32, "block_size": 8}
# the protocol and the dev score selected on, by family
SCORED = {"joint": ("somd", "total.micro_f1"), "span": ("strict", "entities_strict.micro_f1"),
          "docre": ("strict", "relations_strict.micro_f1")}


def write_recipe(folder: Path, encoder: Path, epochs: int = 60, model: dict | None = None,
                 **train) -> Path:
    """A recipe training a tiny model (joint unless `model` says otherwise) on the sample;
    `train` replaces [train] keys."""
    model = {**(model or JOINT), "encoder": str(encoder)}
    protocol, metric = SCORED[model["family"]]
    settings = {"output": str(folder / "model"), "epochs": epochs, "batch_size": 2,
                "lr_encoder": 3e-3, "lr_head": 1e-2, "warmup": 0.05, "patience": epochs,
                "metric": metric, "seed": 1, **train}
    recipe = folder / "recipe.toml"
    recipe.write_text(f"""
[data]
format = "jsonl"
train = "{SAMPLE}"
dev = "{SAMPLE}"
protocol = "{protocol}"

[model]
""" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in model.items()) + """
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


@pytest.fixture(scope="session")
def trained_lora(tmp_path_factory, encoder) -> Path:
    """The directory of a tiny joint model with LoRA adapters that has overfit the sample."""
    from assay.training import load_recipe, train

    folder = tmp_path_factory.mktemp("lora")
    train(load_recipe(write_recipe(folder, encoder, model=JOINT_LORA)), quiet=True)
    return folder / "model"


@pytest.fixture(scope="session")
def trained_crf(tmp_path_factory, encoder) -> Path:
    """The directory of a tiny joint model with a BiLSTM and a CRF tagger that has overfit
    the sample."""
    from assay.training import load_recipe, train

    folder = tmp_path_factory.mktemp("crf")
    train(load_recipe(write_recipe(folder, encoder, model=JOINT_CRF)), quiet=True)
    return folder / "model"


@pytest.fixture(scope="session")
def trained_span_head(tmp_path_factory, encoder) -> Path:
    """The directory of a tiny joint model with a span head that has overfit the sample."""
    from assay.training import load_recipe, train

    folder = tmp_path_factory.mktemp("span_head")
    train(load_recipe(write_recipe(folder, encoder, model=JOINT_SPANS)), quiet=True)
    return folder / "model"


@pytest.fixture(scope="session")
def trained_span(tmp_path_factory, encoder) -> Path:
    """The directory of a tiny span model that has overfit the sample's entities."""
    from assay.training import load_recipe, train

    folder = tmp_path_factory.mktemp("span")
    train(load_recipe(write_recipe(folder, encoder, epochs=80, model=SPAN, batch_size=1)),
          quiet=True)
    return folder / "model"


@pytest.fixture(scope="session")
def trained_docre(tmp_path_factory, encoder) -> Path:
    """The directory of a tiny docre model that has overfit the sample's relations."""
    from assay.training import load_recipe, train

    folder = tmp_path_factory.mktemp("docre")
    train(load_recipe(write_recipe(folder, encoder, epochs=40, model=DOCRE)), quiet=True)
    return folder / "model"
