"""Each registered family's tiny configs: the models the contract suite (test_contract.py)
trains on the shipped sample and holds to the contract. A family joins the suite by adding its
entry here; a registered family without one fails the suite."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Tiny:
    model: dict                  # the recipe's [model] table (the tiny encoder is added)
    protocol: str                # the dev protocol, and the score selected on
    metric: str
    epochs: int = 60
    batch_size: int = 2
    # whether the tiny model, overfit on four short sentences, still predicts them exactly
    # after 300 words of filler in the same sentence (else: only that it reads them)
    exact_in_context: bool = True
    # whether it still finds something there at all; an `llm` cuts that sentence into prompts
    # unlike any it was taught, so it is held instead to asking about every word of it
    # (tests/models/test_llm.py)
    finds_in_context: bool = True
    train: dict = field(default_factory=dict)  # other [train] settings


JOINT = {"family": "joint", "max_length": 64, "dropout": 0.0, "char_dim": 8}
JOINT_SCORED = {"protocol": "somd", "metric": "total.micro_f1"}

TINY: dict[str, dict[str, Tiny]] = {
    "joint": {
        "plain": Tiny(JOINT, **JOINT_SCORED),
        # LoRA adapters on the tiny encoder, which is otherwise frozen (as the shipped models)
        "lora": Tiny({**JOINT, "lora_rank": 8, "lora_alpha": 16}, **JOINT_SCORED),
        # a CRF over the tags instead of token-level cross-entropy, a BiLSTM over the units
        "crf": Tiny({**JOINT, "ner_loss": "crf", "context_dim": 8}, **JOINT_SCORED),
        # a span head instead of IOB2 tags: spans of up to 8 units classified
        "span_head": Tiny({**JOINT, "ner_loss": "spans", "max_width": 8}, **JOINT_SCORED,
                          exact_in_context=False),
    },
    # a tiny random encoder is slow to learn to read the words after each <ENT> marker:
    # "marker_words"
    "span": {"plain": Tiny({"family": "span", "max_length": 128, "dropout": 0.0,
                            "max_width": 20, "hidden": 32, "type_repr": "marker_words"},
                           "strict", "entities_strict.micro_f1", epochs=100, batch_size=1,
                           exact_in_context=False)},
    # relations between the sample's given entities, each mention an entity of its own
    "docre": {"plain": Tiny({"family": "docre", "max_length": 64, "dropout": 0.0,
                             "grouping": "mention", "emb_size": 32, "block_size": 8},
                            "strict", "relations_strict.micro_f1", epochs=40,
                            exact_in_context=False)},
    # a tiny random causal LM, every weight tuned, taught the general template's answers
    "llm": {"plain": Tiny({"family": "llm", "lora_rank": 0, "target_length": 96,
                           "source_length": 48},
                          "strict", "entities_strict.micro_f1", epochs=100, batch_size=1,
                          exact_in_context=False, finds_in_context=False,
                          train={"lr_encoder": 1e-2})},
    # three one-layer decoders over the tiny encoder, paradigm 3, every loss term on
    "generative": {"plain": Tiny({"family": "generative", "max_length": 64, "dropout": 0.0,
                                  "decoder_layers": 1, "max_output": 64},
                                 "strict", "relations_strict.micro_f1", epochs=60,
                                 exact_in_context=False)},
    # nested mentions as actions; one sentence a step: a tiny random encoder needs the steps
    "transition": {"plain": Tiny({"family": "transition", "max_length": 64, "dropout": 0.0,
                                  "position_dropout": 0.0, "latent_dropout": 0.0,
                                  "half_context": 16}, "strict", "entities_strict.micro_f1",
                                 epochs=200, batch_size=1, exact_in_context=False)},
}
