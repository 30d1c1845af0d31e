"""Official GutBrainIE 2025 run files (per PMID the list of one subtask, no metadata), scored
as the organisers' evaluate.py counts; every expected figure below is counted by hand."""
import json

import pytest
from typer.testing import CliRunner

from assay import formats
from assay.cli import app
from assay.errors import FormatError, Problems
from assay.metrics.gutbrainie import clean_prediction, score_articles, score_run
from assay.tasks.gutbrainie import SUBTASKS

TEXTS = {"111": {"title": "Probiotics ease depression.",
                 "abstract": "Lactobacillus lowered depressive symptoms in patients."},
         "222": {"title": "Gut bacteria in mice.",
                 "abstract": "Mice lacking gut bacteria were anxious."}}


def entity(pmid, location, text_span, label, start=None):
    start = TEXTS[pmid][location].index(text_span) if start is None else start
    return {"start_idx": start, "end_idx": start + len(text_span) - 1, "location": location,
            "text_span": text_span, "label": label}


def binary(subject, object):
    return {"subject_label": subject, "object_label": object}


def ternary(subject, predicate, object):
    return {"subject_label": subject, "predicate": predicate, "object_label": object}


def mention(subject_text, subject, predicate, object_text, object):
    return {"subject_text_span": subject_text, "subject_label": subject, "predicate": predicate,
            "object_text_span": object_text, "object_label": object}


PROBIOTICS = entity("111", "title", "Probiotics", "dietary supplement")
DEPRESSION = entity("111", "title", "depression", "DDF")
LACTOBACILLUS = entity("111", "abstract", "Lactobacillus", "bacteria")
SYMPTOMS = entity("111", "abstract", "depressive symptoms", "DDF")
PATIENTS = entity("111", "abstract", "patients", "human")
GUT_BACTERIA = entity("222", "title", "Gut bacteria", "microbiome")
ANXIOUS = entity("222", "abstract", "anxious", "DDF")
GOLD_RELATIONS = {"111": [(PROBIOTICS, "influence", DEPRESSION), (SYMPTOMS, "target", PATIENTS),
                          (LACTOBACILLUS, "influence", SYMPTOMS)],
                  "222": [(GUT_BACTERIA, "influence", ANXIOUS)]}


def relation(subject, predicate, object):
    return {**{f"subject_{k}": v for k, v in subject.items()}, "predicate": predicate,
            **{f"object_{k}": v for k, v in object.items()}}


def gold_file(folder):
    """Two articles in the task's full format (as dev.json): 9 entities over 6 labels, 4
    relations over 4 distinct tag tuples."""
    entities = {"111": [PROBIOTICS, DEPRESSION, LACTOBACILLUS, SYMPTOMS, PATIENTS],
                "222": [GUT_BACTERIA, entity("222", "title", "mice", "animal"),
                        entity("222", "abstract", "Mice", "animal"), ANXIOUS]}
    data = {}
    for pmid, triples in GOLD_RELATIONS.items():
        tags = [(s["label"], p, o["label"]) for s, p, o in triples]
        data[pmid] = {
            "metadata": TEXTS[pmid], "entities": entities[pmid],
            "relations": [relation(*t) for t in triples],
            "binary_tag_based_relations": [binary(s, o) for s, _, o in tags],
            "ternary_tag_based_relations": [ternary(*t) for t in tags],
            "ternary_mention_based_relations": [
                mention(s["text_span"], s["label"], p, o["text_span"], o["label"])
                for s, p, o in triples]}
    path = folder / "dev.json"
    path.write_text(json.dumps(data))
    return path


RUNS = {
    # 222 is missing: its 4 gold entities are all missed
    "entities": {"111": [
        PROBIOTICS,                                             # TP dietary supplement
        dict(DEPRESSION, label="human"),                        # FP human (and FN DDF)
        LACTOBACILLUS,                                          # TP bacteria
        dict(LACTOBACILLUS, label="DDF"),                       # same start/end/location: dropped
        SYMPTOMS,                                               # TP DDF
        entity("111", "abstract", "symptoms", "DDF"),           # overlaps a longer one: dropped
        PATIENTS,                                               # TP human
        entity("111", "abstract", "lowered", "food")]},         # no gold food: not counted
    "binary_tag_based_relations": {
        "111": [binary("dietary supplement", "DDF"), binary("dietary supplement", "DDF"),  # TP, dup
                binary("DDF", "human"),                         # TP
                binary("human", "DDF")],                        # no such gold tuple: not counted
        "222": [binary("bacteria", "DDF")]},                    # gold in 111 only: FP here
    "ternary_tag_based_relations": {
        "111": [ternary("dietary supplement", "influence", "DDF"),   # TP
                ternary("DDF", "influence", "human"),                # not a gold label: not counted
                ternary("bacteria", "influence", "DDF")],            # TP
        "222": []},
    "ternary_mention_based_relations": {
        "111": [mention("Probiotics", "dietary supplement", "influence", "depression", "DDF"),  # TP
                mention("Lactobacillus", "bacteria", "influence", "depression", "DDF")],  # FP
        "222": [mention("gut bacteria", "microbiome", "influence", "anxious", "DDF")]},   # FP: case
}
# (micro P, R, F1), (macro P, R, F1) by hand; macro is over the gold labels, P 0 where none is
# predicted. NER: 4 TP of 5 counted predictions and 9 gold; per label P/R: supplement 1/1,
# DDF 1/(1/3), bacteria 1/1, human (1/2)/1, microbiome 0/0, animal 0/0.
EXPECTED = {
    "NER": ((4 / 5, 4 / 9, 4 / 7), (3.5 / 6, (10 / 3) / 6, (1 + 0.5 + 1 + 2 / 3) / 6)),
    "binary_tag_RE": ((2 / 3, 2 / 4, 4 / 7), (2 / 4, 2 / 4, 2 / 4)),
    "ternary_tag_RE": ((2 / 2, 2 / 4, 2 / 3), (2 / 4, 2 / 4, 2 / 4)),
    "ternary_mention_RE": ((1 / 3, 1 / 4, 2 / 7), (1 / 4, 1 / 4, 1 / 4)),
}
NAMES = {s.field: s.name for s in SUBTASKS}


def run_file(folder, lists):
    """The official shape: {pmid: {list name: [...]}} for each list given, merged by PMID."""
    data = {}
    for name in lists:
        for pmid, records in RUNS[name].items():
            data.setdefault(pmid, {})[name] = records
    path = folder / "run.json"
    path.write_text(json.dumps(data))
    return path


def scores_of(tmp_path, lists):
    gold = list(formats.read(gold_file(tmp_path), "gutbrainie"))
    return score_run(gold, formats.gutbrainie.read_run(run_file(tmp_path, lists)))


def assert_expected(score, name):
    micro, macro = EXPECTED[name]
    assert score.micro() == pytest.approx(micro), name
    assert score.macro() == pytest.approx(macro), name


@pytest.mark.parametrize("name", RUNS)
def test_a_run_of_one_subtask_is_scored_for_that_subtask_only(name, tmp_path):
    scores = scores_of(tmp_path, [name])
    assert list(scores) == [NAMES[name]]
    assert_expected(scores[NAMES[name]], NAMES[name])


def test_a_run_of_all_four_lists_scores_each_as_alone(tmp_path):
    scores = scores_of(tmp_path, RUNS)
    assert list(scores) == list(EXPECTED)
    for name, score in scores.items():
        assert_expected(score, name)


def test_a_gold_document_missing_from_the_run_is_all_missed(tmp_path):
    gold = list(formats.read(gold_file(tmp_path), "gutbrainie"))
    name = "ternary_tag_based_relations"
    without_222 = {"111": {name: RUNS[name]["111"]}}
    assert_expected(score_run(gold, without_222)["ternary_tag_RE"], "ternary_tag_RE")


def test_a_predicted_document_not_in_gold_is_not_scored(tmp_path):
    gold = list(formats.read(gold_file(tmp_path), "gutbrainie"))
    run = {"111": {"entities": RUNS["entities"]["111"]}, "999": {"entities": [PROBIOTICS]}}
    assert_expected(score_run(gold, run)["NER"], "NER")


def test_gold_items_count_as_often_as_they_are_listed():
    gold = {"entities": [PROBIOTICS, PROBIOTICS]}
    score = score_articles([(gold, {"entities": [PROBIOTICS]})], SUBTASKS[:1])["NER"]
    assert (score.tp["dietary supplement"], score.fn["dietary supplement"]) == (1, 1)


def test_entities_that_only_touch_at_an_inclusive_end_do_not_overlap():
    first = entity("111", "abstract", "Lactobacillus", "bacteria")
    touching = dict(first, start_idx=first["end_idx"], end_idx=first["end_idx"] + 8)
    inside = dict(first, start_idx=first["end_idx"] - 1, end_idx=first["end_idx"] + 20)
    assert clean_prediction({"entities": [first, touching]})["entities"] == [first, touching]
    assert clean_prediction({"entities": [first, inside]})["entities"] == [inside]


def test_a_run_record_without_a_compared_field_is_named_or_skipped(tmp_path):
    path = tmp_path / "run.json"
    broken = {"start_idx": 0, "label": "DDF"}
    path.write_text(json.dumps({"111": {"entities": [broken, PROBIOTICS]}}))
    with pytest.raises(FormatError, match=r"article 111 entities\[0\] has no field 'end_idx'"):
        formats.gutbrainie.read_run(path)
    lenient = Problems(strict=False)
    assert formats.gutbrainie.read_run(path, lenient) == {"111": {"entities": [PROBIOTICS]}}
    assert len(lenient.errors) == 1


def test_real_data_a_run_of_the_gold_lists_less_one_document(datasets, tmp_path):
    source = datasets / "gutbrainie2025" / "train_platinum.json"
    articles = json.loads(source.read_text())
    dropped = sorted(articles)[0]
    run = {pmid: {"entities": a["entities"], "ternary_mention_based_relations":
                  a["ternary_mention_based_relations"]}
           for pmid, a in articles.items() if pmid != dropped}
    scores = score_run(list(formats.read(source, "gutbrainie")), run)
    assert list(scores) == ["NER", "ternary_mention_RE"]
    for name, field in (("NER", "entities"),
                        ("ternary_mention_RE", "ternary_mention_based_relations")):
        total = sum(len(a[field]) for a in articles.values())
        recall = 1 - len(articles[dropped][field]) / total
        assert scores[name].micro()[:2] == pytest.approx((1.0, recall))


def test_cli_names_the_subtasks_held_and_the_documents_gold_lacks(tmp_path):
    gold = gold_file(tmp_path)
    path = tmp_path / "run.json"
    path.write_text(json.dumps({**{p: {"entities": r} for p, r in RUNS["entities"].items()},
                                "999": {"entities": []}, "998": {"entities": []}}))
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(gold), "--pred", str(path),
                                      "--format", "gutbrainie", "--protocol", "gutbrainie",
                                      "--json", str(tmp_path / "s.json")])
    assert result.exit_code == 0, result.output
    assert "holds NER (6.1)" in result.output
    assert "2 predicted document(s) are not in the gold data" in result.output
    assert "998, 999" in result.output
    scores = json.loads((tmp_path / "s.json").read_text())
    assert list(scores) == ["NER"]
    assert scores["NER"]["micro_f1"] == pytest.approx(4 / 7)
