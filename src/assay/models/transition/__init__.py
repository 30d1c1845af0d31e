"""`transition`: SRU-NER. Nested mentions as a sequence of transition actions (shift a word,
open or close a mention of a type, end), generated word by word from the encoder's word vectors
and a Slot-based Recurrent Unit that remembers the actions taken at each word (Ruano et al.,
BioNLP 2025). Trained on several datasets at once through a Mix: a type a sentence's dataset
does not annotate is never a target there."""
from assay.models.transition.config import TransitionConfig
from assay.models.transition.extractor import TransitionExtractor

__all__ = ["TransitionConfig", "TransitionExtractor"]
