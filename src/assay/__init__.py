"""assay: entities and relations in scientific and biomedical text."""
from assay.doc import Document, Entity, MentionGroup, Relation, Section
from assay.schema import Schema


def load(name_or_path="software", runtime="torch", labels=None, descriptions=None):
    """A model ready to run: `nlp = assay.load("software"); doc = nlp(text)`. See
    `assay.pipeline.load` (it is imported only when called: `import assay` stays light)."""
    from assay.pipeline import load as load_pipeline

    return load_pipeline(name_or_path, runtime, labels, descriptions)


def ask(labels, model="smollm2", url=None, descriptions=None, **settings):
    """A language model asked for these entity types, zero-shot: `nlp = assay.ask(["Task"])`.
    See `assay.pipeline.ask`."""
    from assay.pipeline import ask as ask_pipeline

    return ask_pipeline(labels, model, url, descriptions, **settings)


__version__ = "0.1.0"
__all__ = ["Document", "Entity", "MentionGroup", "Relation", "Schema", "Section", "__version__", "ask",
           "load"]
