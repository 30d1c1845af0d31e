"""Hyper-parameters of the `transition` family (SRU-NER; the `[model]` table of a recipe).
Defaults are the paper's (its Table 12, all datasets but GENIA)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from assay.models.encoders import EncoderSettings


class TransitionConfig(EncoderSettings):
    family: Literal["transition"] = "transition"
    max_length: int = Field(256, ge=16, description="sub-word pieces per encoder window (the "
                            "paper's 405 on BioLinkBERT-large)")
    dropout: float = Field(0.1, ge=0, lt=1, description="on the action scorer's input")
    latent_multiple: int = Field(2, ge=1, description="J, the SRU's latent embeddings, is "
                                 "this times the number of actions (GENIA: 10)")
    half_context: int = Field(150, ge=1, description="relative positions embedded on each "
                              "side of the current word (GENIA: 240)")
    position_dropout: float = Field(0.2, ge=0, lt=1)
    latent_dropout: float = Field(0.2, ge=0, lt=1)
    alpha: float = Field(1.0, gt=0, description="α in C_pos = α·C + P: the slot states' "
                         "weight against their positions (its start, when trained)")
    train_alpha: bool = Field(False, description="learn α (the paper does on GENIA only)")
    threshold: float = Field(0.5, gt=0, lt=1, description="a TR or RE of a step is taken, "
                             "and generation ends at EOA, above this probability")
    max_steps: float = Field(2.5, gt=1, description="at inference, steps per word slot "
                             "before every further step is a shift: a sentence is always read "
                             "to its end, and no step opens a mention past this budget. Gold "
                             "sequences take up to 2 (one-word mentions side by side; "
                             "measured: 1.61 on BC5CDR devel, 1.88 on CoNLL-2003 dev, whose "
                             "1.5 would cut 8 sentences); models trained before this default "
                             "keep their 1.5")
