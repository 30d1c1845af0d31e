"""Hyper-parameters of the `joint` family (the `[model]` table of a recipe)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from assay.models.encoders import EncoderSettings


class JointConfig(EncoderSettings):
    family: Literal["joint"] = "joint"
    max_length: int = Field(256, ge=16, description="sub-word pieces per encoder window")
    dropout: float = Field(0.1, ge=0, lt=1)
    training: Literal["joint", "disjoint"] = Field(
        "joint", description="joint: one encoder, L = L_NER + λ·L_RE in one backward pass; "
        "disjoint: NER and RE each on an encoder of its own, no gradient shared")
    re_weight: float = Field(1.0, ge=0, description="λ in L = L_NER + λ·L_RE")
    entity_repr: Literal["first", "mean"] = Field(
        "first", description="an entity is its first unit's vector (the paper) or their mean")
    label_dim: int = Field(0, ge=0, description="entity-label embedding in the pair "
                           "representation (0: none, as in the paper)")
    shape_dim: int = Field(32, ge=0, description="word-shape embedding (case, digits, "
                           "punctuation, attached to the previous unit) beside each unit's "
                           "vector: uncased encoders lose case (0: none)")
    char_dim: int = Field(0, ge=0, description="character CNN over each unit's first 16 "
                          "characters (case kept), beside its vector (0: none)")
    context_dim: int = Field(0, ge=0, description="a BiLSTM of this hidden size per direction "
                             "over the unit vectors (with their shape and character features), "
                             "its outputs beside them (0: none, as in the paper)")
    ner_loss: Literal["softmax", "crf", "spans"] = Field(
        "softmax", description="softmax: IOB2 tags, token-level cross-entropy (the paper); "
        "crf: IOB2 tags, a linear-chain CRF with learned transitions, decoded with Viterbi; "
        "spans: every span of up to max_width units classified among the labels and none, "
        "cross-entropy over spans, decoded likeliest first with no overlaps")
    max_width: int = Field(10, ge=1, description="with ner_loss spans: the widest entity, "
                           "in units")
    decoding: Literal["viterbi", "argmax"] = Field(
        "viterbi", description="viterbi: best valid IOB2 path; argmax: each unit alone (a "
        "CRF is always decoded with Viterbi)")
    schema_pairs: bool = Field(True, description="at inference, classify only entity pairs "
                               "whose label pair some relation of the schema allows")
