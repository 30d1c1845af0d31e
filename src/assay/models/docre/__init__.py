"""`docre`: ATLOP document-level relation extraction. Entities are groups of marked mentions;
each entity pair is classified from the entities' pooled marker vectors and a context pooled by
the encoder's attention from both (BIU-ONLP GutBrainIE 2025 RE; BC5CDR CID)."""
from assay.models.docre.config import DocREConfig
from assay.models.docre.extractor import DocREExtractor

__all__ = ["DocREConfig", "DocREExtractor"]
