"""The model shipped inside the package works out of the box, offline."""
from typer.testing import CliRunner

import assay
from assay.cli import app
from assay.pipeline import shipped_models

SENTENCE = "We used Stata 13 (StataCorp) and the lme4 package for R."


def test_the_software_model_is_shipped_and_small():
    from assay.pipeline import ZOO

    for name in ("software", "software-somd", "software-roles"):
        assert name in shipped_models()
        size = sum(p.stat().st_size for p in (ZOO / name).rglob("*") if p.is_file())
        assert size < 5 * 2**20  # adapters and heads: the encoder comes from its own package


def test_no_shipped_file_is_5_mb_or_more():
    from assay.pipeline import ZOO

    big = [str(p) for p in ZOO.rglob("*") if p.is_file() and p.stat().st_size >= 5 * 10**6]
    assert not big  # what the repository carries: adapters and heads, never a whole encoder


def test_the_software_model_finds_software_versions_developers_and_relations():
    doc = assay.load("software")(SENTENCE)
    found = {(doc.text[e.start:e.end], e.label) for e in doc.entities}
    assert {("Stata", "Application"), ("13", "Version"), ("StataCorp", "Developer")} <= found
    by_id = doc.entity_by_id()
    pairs = {(doc.text[by_id[r.head].start:by_id[r.head].end], r.label,
              doc.text[by_id[r.tail].start:by_id[r.tail].end]) for r in doc.relations}
    assert ("13", "Version_of", "Stata") in pairs and ("StataCorp", "Developer_of", "Stata") in pairs


# Methods text as papers have it, mentioning no software: reagents and their suppliers,
# numbers after nouns, figure labels and bracketed reference numbers (written for this test)
PLAIN_METHODS = """\
Mice were housed in groups of four under a 12 h light/dark cycle with food and water ad libitum. \
All procedures were approved by the local animal care committee (protocol 2019-04).

Total RNA was extracted with TRIzol reagent (Invitrogen, Carlsbad, CA) and 2 ug were reverse \
transcribed with random hexamers. Samples were run in triplicate on 96-well plates, as \
described previously [12, 13].

Sections were incubated overnight at 4 C with the primary antibody (1:500, Abcam) and then for \
2 h with a secondary antibody conjugated to Alexa Fluor 488. Nuclei were counterstained with \
DAPI (Fig 2B).

Cells were seeded at a density of 5 x 10^4 cells per well in DMEM supplemented with 10% fetal \
bovine serum and 1% penicillin-streptomycin, and grown at 37 C in 5% CO2 [7]."""


def test_the_software_model_stays_quiet_on_methods_text_without_software():
    software = assay.load("software")
    quiet = software(PLAIN_METHODS)
    assert [quiet.text[e.start:e.end] for e in quiet.entities] == []
    mixed = software(PLAIN_METHODS + "\n\nImages were analysed with ImageJ 1.52 (NIH).")
    found = {(mixed.text[e.start:e.end], e.label) for e in mixed.entities}
    assert ("ImageJ", "Application") in found and ("1.52", "Version") in found


def test_extract_with_no_other_argument_prints_the_tables():
    result = CliRunner().invoke(app, ["extract", SENTENCE])
    assert result.exit_code == 0, result.output
    for word in ("Stata", "Application", "Version_of", "Developer_of"):
        assert word in result.output


GUT = ("Probiotic supplementation with Lactobacillus rhamnosus reduced anxiety and depressive "
       "symptoms in patients with irritable bowel syndrome.")


def test_the_gutbrain_pipeline_is_shipped_and_small():
    from assay.pipeline import ZOO

    assert "gutbrain" in shipped_models()
    sizes = [p.stat().st_size for p in (ZOO / "gutbrain").rglob("*") if p.is_file()]
    assert max(sizes) < 5 * 2**20 and sum(sizes) < 25 * 2**20


def test_the_gutbrain_pipeline_finds_entities_then_relations():
    doc = assay.load("gutbrain")(GUT)
    found = {(doc.text[e.start:e.end], e.label) for e in doc.entities}
    assert {("Lactobacillus rhamnosus", "bacteria"), ("patients", "human"),
            ("irritable bowel syndrome", "DDF")} <= found
    by_id = doc.entity_by_id()
    pairs = {(doc.text[by_id[r.head].start:by_id[r.head].end], r.label,
              doc.text[by_id[r.tail].start:by_id[r.tail].end]) for r in doc.relations}
    assert ("depressive symptoms", "target", "patients") in pairs


def test_gutbrain_writes_a_submission_from_a_gutbrainie_file(tmp_path):
    import json

    from tests.fixtures import write_fixture

    source = write_fixture("gutbrainie", tmp_path)
    result = CliRunner().invoke(app, [
        "extract", "--model", "gutbrain", "--input", str(source), "--input-format",
        "gutbrainie", "--output", str(tmp_path / "pred.json"), "--output-format", "gutbrainie"])
    assert result.exit_code == 0, result.output
    article = json.loads((tmp_path / "pred.json").read_text())["12345"]
    for name in ("binary_tag_based_relations", "ternary_tag_based_relations",
                 "ternary_mention_based_relations"):
        assert name in article
    for e in article["entities"]:  # inclusive ends, relative to the section
        section = article["metadata"][e["location"]]
        assert section[e["start_idx"]:e["end_idx"] + 1] == e["text_span"]
    assert ("Lactobacillus", "bacteria") in {(e["text_span"], e["label"])
                                             for e in article["entities"]}


def test_the_biomed_model_is_shipped_small_and_finds_chemicals_and_diseases():
    from assay.pipeline import ZOO

    assert "biomed" in shipped_models()
    size = sum(p.stat().st_size for p in (ZOO / "biomed").rglob("*") if p.is_file())
    assert size < 10 * 2**20
    text = "Naloxone reversed the hypotension induced by clonidine."
    doc = assay.load("biomed")(text)
    found = {(text[e.start:e.end], e.label) for e in doc.entities}
    assert {("Naloxone", "Chemical"), ("hypotension", "Disease"), ("clonidine", "Chemical")} <= found


def test_the_biomed_model_gives_nested_mentions_on_genia_style_text():
    text = "Glucocorticoid receptor mRNA levels were reduced in Jurkat cells."
    doc = assay.load("biomed")(text)
    found = {(text[e.start:e.end], e.label) for e in doc.entities}
    # one inside the other, and the outer one a Gene too: each corpus's types learned apart
    assert {("Glucocorticoid receptor", "protein"), ("Glucocorticoid receptor mRNA", "RNA"),
            ("Glucocorticoid receptor mRNA", "Gene"), ("Jurkat cells", "cell_line")} <= found


def test_software_roles_says_which_software_a_paper_used_and_which_it_created():
    roles = assay.load("software-roles")
    doc = roles("Statistical analyses were performed with SPSS 22 (IBM). We developed "
                "TreeFinder, a new tool for phylogenetic inference, freely available at "
                "https://github.com/example/treefinder.")
    found = {(doc.text[e.start:e.end], e.label) for e in doc.entities}
    assert ("SPSS", "Application_Usage") in found
    assert any(text == "TreeFinder" and label.endswith("_Creation") for text, label in found)
