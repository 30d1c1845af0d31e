"""Hyper-parameters of the `span` family (the `[model]` table of a recipe)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from assay.models.encoders import EncoderSettings


class SpanConfig(EncoderSettings):
    family: Literal["span"] = "span"
    max_length: int = Field(384, ge=32, description="sub-word pieces per encoder window, "
                            "type prompts included")
    dropout: float = Field(0.1, ge=0, lt=1)
    max_width: int = Field(12, ge=1, description="the longest span scored, in units")
    hidden: int = Field(256, ge=8, description="width of the span and type vectors compared")
    threshold: float = Field(0.5, gt=0, lt=1, description="a span is an entity of a type "
                             "when sigmoid(span · type) is above this")
    decoding: Literal["flat", "nested"] = Field(
        "flat", description="flat: no two entities overlap; nested: one may contain another, "
        "partial overlaps are never kept")
    type_repr: Literal["marker", "marker_words"] = Field(
        "marker", description="a type's vector: its <ENT> marker's output (GLiNER), or that "
        "beside the mean output of the type's own words (learns faster on small or untrained "
        "encoders, which are slow to learn to read the words after each marker)")
    negatives: float = Field(1.0, ge=0, le=1, description="in training, the share of the "
                             "types an example lacks that are prompted as its negatives "
                             "(sampled anew for every window and epoch)")
    labels: list[str] = Field(default_factory=list, description="the types prompted at "
                              "inference (default: the training schema's); any name works, "
                              "seen in training or not")
    descriptions: bool = Field(False, description="prompt each type as `name: description` "
                               "from the schema's descriptions, where it has one")
