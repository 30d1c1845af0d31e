"""The `llm` family: instruction prompts to a causal language model (local or over HTTP),
its answers parsed back into character-offset entities, LoRA fine-tuning on the template's
own answer format (Bölücü, Rybinski and Wan, "Bridging the Gap: Instruction-Tuned LLMs for
Scientific Named Entity Recognition")."""
from assay.models.llm.extractor import LLMExtractor

__all__ = ["LLMExtractor"]
