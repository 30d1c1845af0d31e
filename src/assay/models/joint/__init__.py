"""`joint`: encoder + BIO token head + pairwise relation head, L = L_NER + λ·L_RE (SOMD 2025
joint-loss paper), trained jointly or disjointly."""
from assay.models.joint.config import JointConfig
from assay.models.joint.extractor import JointExtractor

__all__ = ["JointConfig", "JointExtractor"]
