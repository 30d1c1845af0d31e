"""The command line: convert, stats and evaluate, as a user types them."""
import json

from typer.testing import CliRunner

from assay.cli import app
from tests.fixtures import write_fixture

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_every_verb_has_help_with_an_example():
    for verb in ("convert", "stats", "evaluate", "package", "serve"):
        result = invoke(verb, "--help")
        assert result.exit_code == 0 and "Example: assay" in result.output


def test_convert_then_evaluate_scores_one(tmp_path):
    gold = write_fixture("dygie", tmp_path)
    result = invoke("convert", "--from", "dygie", "--to", "jsonl", gold, tmp_path / "out.jsonl")
    assert result.exit_code == 0, result.output
    result = invoke("evaluate", "--gold", tmp_path / "out.jsonl", "--pred", tmp_path / "out.jsonl",
                    "--format", "jsonl", "--protocol", "strict", "--json", tmp_path / "s.json")
    assert result.exit_code == 0, result.output
    scores = json.loads((tmp_path / "s.json").read_text())
    assert set(scores) == {"entities_strict", "entities_boundary", "entities_partial",
                           "relations_strict", "relations_boundary", "documents"}
    assert scores["documents"] == {"gold": 1, "predicted": 1, "missing": [], "repeated": []}
    assert scores["relations_strict"]["micro_f1"] == 1.0 and "per_label" in scores["entities_strict"]


def test_convert_says_what_the_target_cannot_hold(tmp_path):
    result = invoke("convert", "--from", "somd", "--to", "conll", write_fixture("somd", tmp_path),
                    tmp_path / "x.conll")
    assert result.exit_code == 0 and "cannot hold relations: 2 not written" in result.output


def test_stats_counts_nesting(tmp_path):
    result = invoke("stats", write_fixture("genia", tmp_path), "--format", "genia", "--json")
    stats = json.loads(result.output)
    assert stats["entities"] == 3 and stats["nested_entities"] == 1
    assert stats["entities_by_label"] == {"DNA": 1, "cell_type": 1, "protein": 1}


def test_bad_input_is_one_clear_line_and_exit_one(tmp_path):
    bad = tmp_path / "bad.conll"
    bad.write_text("Aspirin O\nulcers I-Disease\n\n")
    result = invoke("stats", bad, "--format", "conll")
    assert result.exit_code == 1 and f"{bad}:2: I-Disease follows O" in result.output
    lenient = invoke("stats", bad, "--format", "conll", "--lenient")
    assert lenient.exit_code == 0 and "1 problem(s)" in lenient.output
    assert "I-Disease follows O (IOB2 needs B-Disease first); read as the start" in lenient.output
    read = invoke("stats", bad, "--format", "conll", "--lenient", "--json")
    assert json.loads(read.stdout)["entities"] == 1  # the stray I- tag begins a mention


def test_unknown_format_and_protocol_are_refused(tmp_path):
    assert invoke("stats", tmp_path, "--format", "xml").exit_code != 0
    gold = write_fixture("jsonl", tmp_path)
    result = invoke("evaluate", "--gold", gold, "--pred", gold, "--format", "jsonl", "--protocol", "bleu")
    assert result.exit_code == 1 and "unknown protocol" in result.output


def test_convert_names_groups_and_their_relations_that_the_target_lacks(tmp_path):
    result = invoke("convert", "--from", "pubtator", "--to", "brat",
                    write_fixture("pubtator", tmp_path), tmp_path / "brat")
    assert result.exit_code == 0, result.output
    assert "cannot hold mention groups: 3 not written" in result.output
    assert "cannot hold relations between mention groups: 1 not written" in result.output
    assert invoke("stats", tmp_path / "brat", "--format", "brat").exit_code == 0


def test_convert_counts_each_lost_relation_once(tmp_path):
    result = invoke("convert", "--from", "pubtator", "--to", "conll",
                    write_fixture("pubtator", tmp_path), tmp_path / "x.conll")
    assert result.exit_code == 0, result.output
    assert "cannot hold relations between mention groups: 1 not written" in result.output
    assert "cannot hold relations:" not in result.output


def test_serve_and_the_ray_engine_refuse_what_they_cannot_run(tmp_path):
    result = invoke("serve", "--model", tmp_path / "nothing")
    assert result.exit_code == 1 and "no model" in result.output
    text = tmp_path / "a.txt"
    text.write_text("We used R.")
    for args, said in [(["--input", text], "one JSON-lines --input"),
                       (["--input", text, "--input-format", "jsonl"], "--output folder"),
                       (["--engine", "spark"], "unknown --engine")]:
        result = invoke("extract", "--engine", "ray", *args) if "--engine" not in args else \
            invoke("extract", *args)
        assert result.exit_code == 1 and said in result.output, result.output


def brat_subsets(root):
    """Two subsets of a corpus in sub-folders, as SoMeSci's: a software sentence and a
    sentence without any mention in each document."""
    for subset, name, text in (("methods", "P1", "We used SPSS 22. Mice were fed."),
                               ("articles", "P2", "Cells grew well. Data went to SPSS 22.")):
        (root / subset).mkdir(parents=True)
        (root / subset / f"{name}.txt").write_text(text)
        start = text.index("SPSS")
        (root / subset / f"{name}.ann").write_text(
            f"T1\tApplication_Usage {start} {start + 4}\tSPSS\n"
            f"T2\tVersion {start + 5} {start + 7}\t22\nR1\tVersion_of Arg1:T2 Arg2:T1\n")
    return root


def test_stats_and_evaluate_read_a_listed_split_with_a_label_map(tmp_path):
    corpus = brat_subsets(tmp_path / "corpus")
    (tmp_path / "ids.txt").write_text("# the devel split\nP2\n")
    result = invoke("stats", corpus, "--format", "brat", "--json", "--ids", tmp_path / "ids.txt",
                    "--label-map", "somesci")
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert stats["documents"] == 1 and stats["entities_by_label"] == {"Application": 1,
                                                                       "Version": 1}
    result = invoke("evaluate", "--gold", corpus, "--pred", corpus, "--format", "brat",
                    "--label-map", "Application_Usage=Application", "--json", tmp_path / "s.json")
    assert result.exit_code == 0, result.output
    assert "sentences without a gold entity: 2 of 4; 0 entities predicted" in result.output
    quiet = json.loads((tmp_path / "s.json").read_text())["mention_free"]
    assert quiet == {"sentences": 4, "mention_free": 2, "false_positives": 0, "per_1000": 0.0,
                     "share_with_any": 0.0}
    (tmp_path / "ids.txt").write_text("P3\n")
    result = invoke("stats", corpus, "--format", "brat", "--ids", tmp_path / "ids.txt")
    assert result.exit_code == 1 and "ids.txt: lists 1 document id(s) that the data lacks, e.g. P3" \
        in result.output
    result = invoke("stats", corpus, "--format", "brat", "--label-map", "A=")
    assert result.exit_code == 1 and "--label-map: label map 'A='" in result.output


def test_a_false_positive_in_a_mention_free_sentence_is_counted():
    from assay.doc import Document, Entity
    from assay.metrics.documents import mention_free

    gold = Document("d", "We used SPSS. Mice were fed. Rats too.", [Entity(8, 12, "Application")])
    pred = Document("d", gold.text, [Entity(8, 12, "Application"), Entity(14, 18, "Application")])
    assert mention_free([gold], [pred]) == {"sentences": 3, "mention_free": 2,
                                            "false_positives": 1, "per_1000": 500.0,
                                            "share_with_any": 0.5}


def test_brat_sub_folders_must_not_repeat_a_document_name(tmp_path):
    corpus = brat_subsets(tmp_path / "corpus")
    for suffix in (".txt", ".ann"):
        copied = (corpus / "methods" / f"P1{suffix}").read_text()
        (corpus / "articles" / f"P1{suffix}").write_text(copied)
    result = invoke("stats", corpus, "--format", "brat")
    assert result.exit_code == 1 and "two documents are named 'P1'" in result.output
