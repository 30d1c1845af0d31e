import pytest

from assay import Document, Entity, MentionGroup, Relation, Schema
from assay.errors import InvalidDocument


def doc(**kw):
    base = dict(id="d1", text="Stata 13 by StataCorp",
                entities=[Entity(0, 5, "Application", id="T1"), Entity(6, 8, "Version", id="T2")],
                relations=[Relation("T2", "T1", "Version_of")])
    base.update(kw)
    return Document(**base)


def test_valid_document_passes_and_nesting_is_allowed():
    d = doc()
    d.entities.append(Entity(0, 8, "Mention", id="T3"))
    assert d.validate() is d


@pytest.mark.parametrize("change, says", [
    (dict(entities=[Entity(0, 50, "Application", id="T1")], relations=[]), "not inside the text"),
    (dict(entities=[Entity(3, 3, "X", id="T1")], relations=[]), "not inside the text"),
    (dict(entities=[Entity(0, 5, "A", id="T1"), Entity(6, 8, "B", id="T1")], relations=[]), "duplicate entity id"),
    (dict(relations=[Relation("T2", "T7", "Version_of")]), "unknown argument id 'T7'"),
    (dict(groups=[MentionGroup("G1", ["T1", "T5"])]), "unknown mention id"),
    (dict(sentences=[(0, 99)]), "sentences[0]"),
])
def test_each_broken_invariant_is_named(change, says):
    with pytest.raises(InvalidDocument, match="document 'd1'") as info:
        doc(**change).validate()
    assert says in str(info.value)


def test_schema_checks_labels_and_pairs():
    schema = Schema.from_documents([doc()])
    assert schema.relation_labels == {"Version_of": [("Version", "Application")]}
    assert schema.validate(doc()).id == "d1"
    bad = doc(relations=[Relation("T1", "T2", "Version_of")])
    with pytest.raises(InvalidDocument, match="not an allowed argument pair"):
        schema.validate(bad)
    with pytest.raises(InvalidDocument, match="label not in the schema"):
        schema.validate(doc(entities=[Entity(0, 5, "Tool", id="T1"),
                                      Entity(6, 8, "Version", id="T2")]))
    assert Schema.from_json(schema.to_json()) == schema
