"""assay: entities and relations in scientific and biomedical text."""
from assay.doc import Document, Entity, MentionGroup, Relation, Section
from assay.schema import Schema

__version__ = "0.1.0"
__all__ = ["Document", "Entity", "MentionGroup", "Relation", "Schema", "Section", "__version__"]
