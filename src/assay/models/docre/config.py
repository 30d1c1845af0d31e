"""Hyper-parameters of the `docre` family (the `[model]` table of a recipe)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from assay.models.encoders import EncoderSettings


class DocREConfig(EncoderSettings):
    family: Literal["docre"] = "docre"
    max_length: int = Field(512, ge=32, description="sub-word pieces per encoder window; "
                            "longer documents are read in windows overlapping by half")
    dropout: float = Field(0.1, ge=0, lt=1)
    markers: tuple[str, str] = Field(("*", "*"), description="text put before and after "
                                     "every mention (ATLOP: `*`)")
    grouping: Literal["groups", "text", "mention"] = Field(
        "groups", description="what an entity is: the document's mention groups (concepts, "
        "coreference; a mention in none stands alone), mentions of the same text and label, "
        "or each mention")
    emb_size: int = Field(768, ge=8, description="width of the head and tail vectors")
    block_size: int = Field(64, ge=1, description="group size of the bilinear classifier "
                            "(emb_size must be a multiple)")
    thresholding: Literal["adaptive", "fixed"] = Field(
        "adaptive", description="adaptive: a learned threshold class, a relation is predicted "
        "when it scores above it (ATLOP's loss); fixed: binary cross-entropy, predicted above "
        "`threshold`")
    threshold: float = Field(0.5, gt=0, lt=1, description="the probability above which a "
                             "relation is predicted. fixed: its own sigmoid; adaptive: the "
                             "sigmoid of its score less the threshold class's, so 0.5 is "
                             "ATLOP's rule and less predicts more (a margin, chosen on dev)")
    relation_thresholds: dict[str, float] = Field(
        default_factory=dict, description="`threshold` for these relation labels (a per-class "
        "offset, chosen on dev)")
    top_k: int = Field(0, ge=0, description="at most this many relations per entity pair "
                       "(0: every one above the threshold)")
    schema_pairs: bool = Field(True, description="classify only entity pairs whose label pair "
                               "some relation of the schema allows")
