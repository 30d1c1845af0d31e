"""`generative`: AnchorAlign. Entities and relations written by three decoders over one
encoder (NER; triplets subject-first; triplets object-first), aligned in training by KL terms
on the entities and triplets they share and a suppression of tokens that are not targets, and
at inference joined (the union of the two directions) and filtered by the NER decoder's
entities, the anchors."""
from assay.models.generative.config import GenerativeConfig
from assay.models.generative.extractor import GenerativeExtractor

__all__ = ["GenerativeConfig", "GenerativeExtractor"]
