"""What each reader makes of its format's particulars."""
from assay import formats
from tests.fixtures import write_fixture


def read_one(fmt, tmp_path):
    return list(formats.read(write_fixture(fmt, tmp_path), fmt))


def spans(doc):
    return [(doc.mention_text(e), e.label) for e in doc.entities]


def test_somd_relations_point_from_attribute_to_software(tmp_path):
    doc = read_one("somd", tmp_path)[0]
    ents = doc.entity_by_id()
    assert [(doc.mention_text(ents[r.head]), r.label, doc.mention_text(ents[r.tail]))
            for r in doc.relations] == [("13", "Version_of", "Stata"), ("StataCorp", "Developer_of", "Stata")]


def test_conll_docstart_block_is_one_document_of_sentences(tmp_path):
    docs = read_one("conll", tmp_path)
    assert len(docs) == 1 and len(docs[0].sentences) == 2
    assert spans(docs[0]) == [("Aspirin", "Chemical"), ("acute ulcers", "Disease")]


def test_dygie_inclusive_offsets_and_clusters(tmp_path):
    doc = read_one("dygie", tmp_path)[0]
    assert spans(doc) == [("BERT", "Method"), ("NER", "Task"), ("It", "Generic")]
    assert doc.groups[0].mentions == ["T1", "T3"]


def test_genia_keeps_nested_mentions(tmp_path):
    doc = read_one("genia", tmp_path)[0]
    assert spans(doc) == [("IL-2 gene", "DNA"), ("IL-2", "protein"), ("T cells", "cell_type")]


def test_pubtator_concepts_become_groups_and_cid_joins_them(tmp_path):
    doc = read_one("pubtator", tmp_path)[0]
    groups = doc.group_by_id()
    assert groups["D009270"].mentions == ["T1", "T3"]
    assert [(r.head, r.tail, r.label) for r in doc.relations] == [("D003000", "D007022", "CID")]
    assert doc.text[doc.sections[1].start:].startswith("Naloxone and clonidine")


def test_gutbrainie_sections_and_inclusive_ends(tmp_path):
    doc = read_one("gutbrainie", tmp_path)[0]
    assert [s.name for s in doc.sections] == ["title", "abstract"]
    assert spans(doc)[3] == ("depressive symptoms", "DDF")
    assert doc.meta["metadata"] == {"year": "2024"}


def test_gutbrainie_writer_adds_the_three_derived_lists(tmp_path):
    import json
    docs = read_one("gutbrainie", tmp_path / "in")
    formats.write(docs, tmp_path / "out.json", "gutbrainie")
    article = json.loads((tmp_path / "out.json").read_text())["12345"]
    assert article["ternary_tag_based_relations"] == [
        {"subject_label": "dietary supplement", "predicate": "influence", "object_label": "DDF"},
        {"subject_label": "DDF", "predicate": "target", "object_label": "human"}]
    assert len(article["binary_tag_based_relations"]) == 2
    assert article["ternary_mention_based_relations"][1]["object_text_span"] == "patients"


def test_gutbrainie_derived_lists_unlike_the_relations_are_kept_until_relations_change(tmp_path):
    import json
    from dataclasses import replace
    path = write_fixture("gutbrainie", tmp_path / "in")
    data = json.loads(path.read_text())
    data["12345"]["binary_tag_based_relations"] = [
        {"subject_label": "human", "object_label": "DDF"}]  # differs from the relations
    path.write_text(json.dumps(data))
    [doc] = formats.read(path, "gutbrainie")
    formats.write([doc], tmp_path / "same.json", "gutbrainie")
    article = json.loads((tmp_path / "same.json").read_text())["12345"]
    assert article["binary_tag_based_relations"] == [{"subject_label": "human", "object_label": "DDF"}]
    predicted = replace(doc, relations=doc.relations[:1])  # as an extractor writes over it
    formats.write([predicted], tmp_path / "new.json", "gutbrainie")
    article = json.loads((tmp_path / "new.json").read_text())["12345"]
    assert article["binary_tag_based_relations"] == [
        {"subject_label": "dietary supplement", "object_label": "DDF"}]
    assert len(article["ternary_mention_based_relations"]) == 1


def test_brat_keeps_discontinuous_mentions_events_and_notes(tmp_path):
    doc = read_one("brat", tmp_path)[0]
    ents = doc.entity_by_id()
    assert ents["T6"].fragments == ((4, 8), (9, 15)) and doc.mention_text(ents["T6"]) == "5 ml buffer"
    assert ents["T5"].attrs["events"] == ["E2"]  # an event without arguments is kept
    assert ents["T3"].kb_id == "ChEBI:1234"
    labels = [(r.head, r.label, r.tail) for r in doc.relations]
    assert ("T1", "Acts-on", "T3") in labels and ("T5", "Mod-Link", "T1") in labels
    assert doc.meta["brat_other"] == ["A1\tNegated T5", "#1\tAnnotatorNotes T1\tcheck"]


def test_measeval_rows_become_entities_with_their_set_and_relations_from_other(tmp_path):
    doc, empty = read_one("measeval", tmp_path)
    assert (empty.id, empty.entities) == ("P2", [])  # a paragraph without a TSV file
    ents = doc.entity_by_id()
    assert ents["T1-2"].attrs == {"annotSet": 2, "mods": ["IsMean"], "unit": "%"}
    assert [(r.head, r.label, r.tail) for r in doc.relations] == [
        ("T2-1", "HasQuantity", "T1-1"), ("T3-2", "HasQuantity", "T1-2"),
        ("T2-2", "HasProperty", "T3-2"), ("T4-2", "Qualifies", "T1-2")]
    assert ents["T2-1"].span == ents["T2-2"].span  # "core" is in both measurements


def test_measeval_writer_groups_predicted_entities_into_sets_by_their_relations(tmp_path):
    from assay.doc import Document, Entity, Relation
    from assay.formats.measeval import to_tsv

    text = "It is 5 kg and 3 m."
    doc = Document("D", text, [Entity(6, 10, "Quantity", id="T1"), Entity(0, 2, "MeasuredEntity", id="T2"),
                               Entity(15, 18, "Quantity", id="T3")],
                   [Relation("T2", "T1", "HasQuantity")])
    rows = [line.split("\t") for line in to_tsv(doc).splitlines()[1:]]
    assert [(r[1], r[5]) for r in rows] == [("1", "T1"), ("1", "T2"), ("2", "T3")]
    assert rows[1][7] == '{"HasQuantity": "T1"}' and rows[0][7] == ""


def test_measeval_writer_gives_a_predicted_entity_of_two_measurements_a_row_in_each(tmp_path):
    from assay.doc import Document, Entity, Relation

    text = "The core is 12 m long and 31% porous."
    doc = Document("D", text, [Entity(4, 8, "MeasuredEntity", id="T1"), Entity(12, 16, "Quantity", id="T2"),
                               Entity(26, 29, "Quantity", id="T3"), Entity(30, 36, "MeasuredProperty", id="T4")],
                   [Relation("T1", "T2", "HasQuantity"), Relation("T4", "T3", "HasQuantity"),
                    Relation("T1", "T4", "HasProperty")])
    formats.write([doc], tmp_path / "out", "measeval")
    formats.write([doc], tmp_path / "out", "measeval")  # a second write replaces the first
    [back] = formats.read(tmp_path / "out", "measeval")
    rows = sorted((e.attrs["annotSet"], e.id, doc.text[e.start:e.end]) for e in back.entities)
    assert rows == [(1, "T1-1", "core"), (1, "T2", "12 m"), (2, "T1-2", "core"), (2, "T3", "31%"),
                    (2, "T4", "porous")]
    assert sorted((r.head, r.label, r.tail) for r in back.relations) == [
        ("T1-1", "HasQuantity", "T2"), ("T1-2", "HasProperty", "T4"), ("T4", "HasQuantity", "T3")]
