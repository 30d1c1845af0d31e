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
    # an `llm` model names its language model `model`; the others name their `encoder`
    model = {**tiny.model, "model" if tiny.model["family"] == "llm" else "encoder": str(encoder)}
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


CHAT = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
        "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")


def tiny_lm(folder: Path) -> Path:
    """A tiny causal LM (random weights) and a byte-level BPE tokenizer of 600 pieces learnt
    from the sample and the prompts about it (any text still encodes, byte by byte), with a
    ChatML chat template as SmolLM2's: small enough to train in seconds."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    from assay import formats
    from assay.models.llm import templates

    docs = list(formats.read(SAMPLE, "jsonl"))
    labels = sorted({e.label for d in docs for e in d.entities})
    texts = [m["content"] for d in docs for t in templates.TEMPLATES
             for q in templates.questions(t, d.text, labels, {}, "scientific") for m in q.messages]
    texts += [templates.answer(t, [(e.label, d.text[e.start:e.end]) for e in d.entities], labels,
                               labels[0]) for d in docs for t in templates.TEMPLATES]
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(texts, trainers.BpeTrainer(
        vocab_size=600, special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, bos_token="<|im_start|>",
                                        eos_token="<|im_end|>", pad_token="<|im_end|>")
    tokenizer.chat_template = CHAT
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=128, intermediate_size=256,
                         num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=4,
                         max_position_embeddings=1024, tie_word_embeddings=True,
                         bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                         pad_token_id=tokenizer.pad_token_id)
    LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def lm(tmp_path_factory) -> Path:
    return tiny_lm(tmp_path_factory.mktemp("lm"))


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, encoder, request):
    """`tiny_model(family, variant)`: the directory of that tiny model, trained on the sample
    until it knows it by heart (once a session)."""
    from assay.training import load_recipe, train

    made: dict[tuple[str, str], Path] = {}

    def get(family: str, variant: str = "plain") -> Path:
        if (family, variant) not in made:
            folder = tmp_path_factory.mktemp(f"{family}-{variant}")
            weights = request.getfixturevalue("lm") if family == "llm" else encoder
            train(load_recipe(write_recipe(folder, weights, TINY[family][variant])), quiet=True)
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
