"""`span`: GLiNER-style label-prompted span NER. Entity-type prompts are encoded with the text;
every span up to a width is scored against every prompted type (BIU-ONLP GutBrainIE 2025 NER)."""
from assay.models.span.config import SpanConfig
from assay.models.span.extractor import SpanExtractor

__all__ = ["SpanConfig", "SpanExtractor"]
