"""Hyper-parameters of the `generative` family (AnchorAlign; the `[model]` table of a recipe).
The paper gives no values for the loss weights α, β, γ nor for the curriculum's K: the
defaults here are ours. Its epochs (Table 6) are epoch boundaries of the one schedule:
`curriculum_epochs` on the simple samples, then all data, with the alignment terms from
`align_from`. The curriculum's epochs are shorter (the simple samples only), and the
learning-rate schedule, made for whole epochs, does not reach 0. The decoders, pretrained
layers with new cross-attention, learn at the recipe's `lr_head`; the encoder at
`lr_encoder`."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from assay.models.encoders import EncoderSettings


class GenerativeConfig(EncoderSettings):
    family: Literal["generative"] = "generative"
    max_length: int = Field(256, ge=16, description="sub-word pieces per encoder window")
    decoder_layers: int = Field(3, ge=1, description="layers of each of the three decoders "
                                "when they are built from an encoder (BERT-to-BERT: the "
                                "encoder's first layers, with new cross-attention); a "
                                "seq2seq model (BART, T5) brings its own decoder")
    dropout: float = Field(0.1, ge=0, lt=1, description="the decoders' dropout (BERT-to-BERT; "
                           "a seq2seq model keeps its own)")
    paradigm: Literal[1, 2, 3, 4] = Field(3, description="the paper's output paradigms: "
                                          "1 all entities + flat triplets; 2 entities outside "
                                          "relations + flat triplets; 3 all entities + "
                                          "entity-centric blocks (the paper's default); 4 "
                                          "entities outside relations + blocks. In 2 "
                                          "and 4 the NER decoder shares no entity with the "
                                          "RE decoders: α's term is 0, and no anchor filter")
    alpha: float = Field(1.0, ge=0, description="α: weight of the NER-RE alignment (KL from "
                         "the NER decoder to each RE decoder on the entities they share)")
    beta: float = Field(1.0, ge=0, description="β: weight of the forward-reverse RE alignment "
                        "(symmetric KL on each gold triplet)")
    gamma: float = Field(1.0, ge=0, description="γ: weight of the negative suppression of "
                         "input, label and special tokens that are not targets")
    curriculum_epochs: int = Field(0, ge=0, description="first epochs on the simple samples "
                                   "only (at most `simple_triplets` triplets), generation "
                                   "losses only")
    simple_triplets: int = Field(1, ge=0, description="K: a sample with at most this many "
                                 "triplets is simple")
    align_from: int = Field(1, ge=1, description="the first epoch (counted from 1, the "
                            "curriculum's included) with the alignment and suppression terms "
                            "(progressive objective activation); never one of the curriculum's")
    aggregate: bool = Field(True, description="at inference, the union of the forward and "
                            "reverse decoders' triplets (else the forward decoder's alone)")
    anchor_filter: bool = Field(True, description="at inference, keep a triplet only when "
                                "both its mentions are among the NER decoder's entities "
                                "(paradigms 1 and 3: the others' NER decoder names no entity "
                                "that is in a relation)")
    max_output: int = Field(160, ge=4, description="tokens each decoder may generate for a "
                            "window; an output cut there is counted in the document's meta "
                            "`generative.cut`")
