"""Small files in every format, written by the tests themselves."""
from pathlib import Path

SOMD = {
    "texts": "We used Stata 13 ( StataCorp ) .\nNothing here .\n",
    "entities": "O O B-Application B-Version O B-Developer O O\nO O O\n",
    "relations": "Version_of\t3\t2; Developer_of\t5\t2\n\n",
}
CONLL = "-DOCSTART- O\n\nAspirin B-Chemical\ncauses O\nacute B-Disease\nulcers I-Disease\n. O\n\nIt O\nhelps O\n\n"
DYGIE = ('{"doc_key": "A1", "sentences": [["BERT", "improves", "NER", "."], ["It", "is", "fast", "."]], '
         '"ner": [[[0, 0, "Method"], [2, 2, "Task"]], [[4, 4, "Generic"]]], '
         '"relations": [[[0, 0, 2, 2, "USED-FOR"]], []], "clusters": [[[0, 0], [4, 4]]]}\n')
SPERT = ('[{"tokens": ["John", "works", "for", "Acme", "Corp", "."], "entities": [{"type": "Peop", '
         '"start": 0, "end": 1}, {"type": "Org", "start": 3, "end": 5}], "relations": [{"type": '
         '"Work_For", "head": 0, "tail": 1}], "orig_id": 7}]\n')
GENIA = ('{"tokens": ["IL-2", "gene", "expression", "in", "T", "cells"], "doc_id": "M1", "sent_id": "M1-0", '
         '"entity_mentions": [{"start": 0, "end": 2, "entity_type": "DNA", "text": "IL-2 gene"}, '
         '{"start": 0, "end": 1, "entity_type": "protein", "text": "IL-2"}, '
         '{"start": 4, "end": 6, "entity_type": "cell_type", "text": "T cells"}]}\n')
PUBTATOR = ("100|t|Naloxone reverses hypotension.\n"
            "100|a|Naloxone and clonidine were given; hypotension followed.\n"
            "100\t0\t8\tNaloxone\tChemical\tD009270\n"
            "100\t18\t29\thypotension\tDisease\tD007022\n"
            "100\t31\t39\tNaloxone\tChemical\tD009270\n"
            "100\t44\t53\tclonidine\tChemical\tD003000\n"
            "100\t66\t77\thypotension\tDisease\tD007022\n"
            "100\tCID\tD003000\tD007022\n\n")
GUTBRAINIE_TITLE = "Probiotics ease depression."
GUTBRAINIE_ABSTRACT = "Lactobacillus lowered depressive symptoms in patients."
BRAT_TEXT = "Add 5 ml buffer to the tube.\nMix well and spin.\n"
BRAT_ANN = ("T1\tAction 0 3\tAdd\nT2\tAmount 4 8\t5 ml\nT3\tReagent 9 15\tbuffer\n"
            "T4\tLocation 23 27\ttube\nT5\tAction 29 32\tMix\nT6\tReagent 4 8;9 15\t5 ml buffer\n"
            "E1\tAction:T1 Acts-on:T3 Site:T4\nE2\tAction:T5\nR1\tMeasure Arg1:T3 Arg2:T2\n"
            "R2\tMod-Link Arg1:E2 Arg2:T1\nN1\tReference T3 ChEBI:1234\tbuffer\nA1\tNegated T5\n"
            "#1\tAnnotatorNotes T1\tcheck\n")
MEASEVAL_TEXT = "The core was 12.5 m long, with a mean porosity of 31% near the top."
MEASEVAL_TSV = (
    "docId\tannotSet\tannotType\tstartOffset\tendOffset\tannotId\ttext\tother\n"
    "P1\t1\tQuantity\t13\t19\tT1-1\t12.5 m\t{\"unit\": \"m\"}\n"
    "P1\t1\tMeasuredEntity\t4\t8\tT2-1\tcore\t{\"HasQuantity\": \"T1-1\"}\n"
    "P1\t2\tQuantity\t50\t53\tT1-2\t31%\t{\"mods\": [\"IsMean\"], \"unit\": \"%\"}\n"
    "P1\t2\tMeasuredProperty\t38\t46\tT3-2\tporosity\t{\"HasQuantity\": \"T1-2\"}\n"
    "P1\t2\tMeasuredEntity\t4\t8\tT2-2\tcore\t{\"HasProperty\": \"T3-2\"}\n"
    "P1\t2\tQualifier\t54\t66\tT4-2\tnear the top\t{\"Qualifies\": \"T1-2\"}\n")


def gutbrainie_json() -> str:
    import json
    article = {"metadata": {"title": GUTBRAINIE_TITLE, "abstract": GUTBRAINIE_ABSTRACT, "year": "2024"},
               "entities": [
                   {"start_idx": 0, "end_idx": 9, "location": "title", "text_span": "Probiotics", "label": "dietary supplement"},
                   {"start_idx": 16, "end_idx": 25, "location": "title", "text_span": "depression", "label": "DDF"},
                   {"start_idx": 0, "end_idx": 12, "location": "abstract", "text_span": "Lactobacillus", "label": "bacteria"},
                   {"start_idx": 22, "end_idx": 40, "location": "abstract", "text_span": "depressive symptoms", "label": "DDF"},
                   {"start_idx": 45, "end_idx": 52, "location": "abstract", "text_span": "patients", "label": "human"}],
               "relations": [
                   {"subject_start_idx": 0, "subject_end_idx": 9, "subject_location": "title", "subject_text_span": "Probiotics", "subject_label": "dietary supplement", "predicate": "influence",
                    "object_start_idx": 16, "object_end_idx": 25, "object_location": "title", "object_text_span": "depression", "object_label": "DDF"},
                   {"subject_start_idx": 22, "subject_end_idx": 40, "subject_location": "abstract", "subject_text_span": "depressive symptoms", "subject_label": "DDF", "predicate": "target",
                    "object_start_idx": 45, "object_end_idx": 52, "object_location": "abstract", "object_text_span": "patients", "object_label": "human"}]}
    return json.dumps({"12345": article})


def write_fixture(fmt: str, folder: Path) -> Path:
    """Write the fixture of `fmt` under `folder`; return the path its reader takes."""
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "somd":
        for part, text in SOMD.items():
            (folder / f"train_{part}.txt").write_text(text)
        return folder / "train"
    if fmt == "brat":
        (folder / "p1.txt").write_text(BRAT_TEXT)
        (folder / "p1.ann").write_text(BRAT_ANN)
        return folder
    if fmt == "measeval":
        (folder / "text").mkdir(exist_ok=True)
        (folder / "tsv").mkdir(exist_ok=True)
        (folder / "text" / "P1.txt").write_text(MEASEVAL_TEXT)
        (folder / "text" / "P2.txt").write_text("No measurement is given here.")
        (folder / "tsv" / "P1.tsv").write_text(MEASEVAL_TSV)
        return folder
    if fmt == "jsonl":
        source = Path(__file__).resolve().parents[1] / "examples" / "software.jsonl"
        path = folder / "docs.jsonl"
        path.write_text(source.read_text())
        return path
    content = {"conll": CONLL, "dygie": DYGIE, "spert": SPERT, "genia": GENIA,
               "pubtator": PUBTATOR, "gutbrainie": gutbrainie_json()}[fmt]
    path = folder / f"data.{fmt}"
    path.write_text(content)
    return path
