"""Each protocol: perfect on gold against itself, zero against nothing, and hand-counted cases."""
import copy

import pytest

from assay import Document, Entity, MentionGroup, Relation, formats, metrics
from tests.fixtures import write_fixture

CASES = {"strict": "dygie", "somd": "somd", "gutbrainie": "gutbrainie", "cid": "pubtator",
         "multitask": "genia"}


@pytest.mark.parametrize("protocol", metrics.PROTOCOLS)
def test_gold_against_itself_is_one_and_against_nothing_zero(protocol, tmp_path):
    fmt = CASES[protocol]
    gold = list(formats.read(write_fixture(fmt, tmp_path), fmt))
    perfect = metrics.to_json(metrics.evaluate(gold, copy.deepcopy(gold), protocol))
    empty = metrics.to_json(metrics.evaluate(gold, [], protocol))
    for name in perfect:
        assert perfect[name]["micro_f1"] == perfect[name]["macro_f1"] == 1.0, name
        assert empty[name]["micro_f1"] == empty[name]["macro_f1"] == 0.0, name
        assert set(perfect[name]) >= {"micro_p", "micro_r", "micro_f1", "macro_p", "macro_r",
                                      "macro_f1", "support"}


def sentence(entities, relations=()):
    return Document("s", "Stata 13 by StataCorp and R", [Entity(*e[:3], id=e[3]) for e in entities],
                    [Relation(*r) for r in relations])


def test_strict_boundary_partial_and_relations_by_hand():
    gold = sentence([(0, 5, "App", "T1"), (6, 8, "Ver", "T2"), (12, 21, "Dev", "T3")],
                    [("T2", "T1", "Version_of"), ("T3", "T1", "Developer_of")])
    pred = sentence([(0, 5, "App", "A"), (6, 8, "Dev", "B"), (12, 20, "Dev", "C"), (26, 27, "App", "D")],
                    [("B", "A", "Version_of"), ("C", "A", "Developer_of")])
    s = metrics.evaluate([gold], [pred], "strict")
    assert s["entities_strict"].micro() == pytest.approx((1 / 4, 1 / 3, 2 / 7))
    assert s["entities_boundary"].micro() == pytest.approx((2 / 4, 2 / 3, 4 / 7))
    assert s["entities_partial"].micro() == pytest.approx((2 / 4, 2 / 3, 4 / 7))
    assert s["relations_strict"].micro()[2] == 0.0  # Ver mislabelled, Dev span short
    assert s["relations_boundary"].micro() == pytest.approx((1 / 2, 1 / 2, 1 / 2))


def test_somd_total_is_the_mean_of_entity_and_relation_f1():
    gold = sentence([(0, 5, "App", "T1"), (6, 8, "Ver", "T2")], [("T2", "T1", "Version_of")])
    pred = sentence([(0, 5, "App", "A"), (6, 8, "Ver", "B")], [])
    s = metrics.to_json(metrics.evaluate([gold], [pred], "somd"))
    assert s["entities"]["micro_f1"] == 1.0 and s["relations"]["micro_f1"] == 0.0
    assert s["total"]["micro_f1"] == s["total"]["macro_f1"] == 0.5


def test_gutbrainie_counts_only_gold_labels_and_cleans_predictions(tmp_path):
    [gold] = formats.read(write_fixture("gutbrainie", tmp_path), "gutbrainie")
    pred = copy.deepcopy(gold)
    pred.entities.append(Entity(0, 5, "animal", id="X1"))           # label absent from gold: not counted
    pred.entities.append(Entity(28, 41, "bacteria", id="X2"))       # duplicate of T3: dropped
    pred.entities.append(Entity(28, 36, "bacteria", id="X3"))       # overlaps T3, shorter: dropped
    pred.relations = pred.relations[:1]
    s = metrics.evaluate([gold], [pred], "gutbrainie")
    assert s["NER"].micro() == (1.0, 1.0, 1.0)
    assert s["ternary_tag_RE"].micro() == pytest.approx((1.0, 0.5, 2 / 3))
    # macro is over the two gold tuples: one found (F1 1), one missed (F1 0)
    assert s["ternary_tag_RE"].macro() == pytest.approx((0.5, 0.5, 0.5))


def test_cid_scores_concept_pairs_not_mentions(tmp_path):
    [gold] = formats.read(write_fixture("pubtator", tmp_path), "pubtator")
    pred = copy.deepcopy(gold)
    pred.relations = [Relation("D009270", "D007022", "CID")]
    s = metrics.evaluate([gold], [pred], "cid")["CID"]
    assert (sum(s.tp.values()), sum(s.fp.values()), sum(s.fn.values())) == (0, 1, 1)


def test_multitask_disjoint_ignores_types_a_dataset_does_not_annotate():
    text = "aspirin and BRCA1"
    gold = [Document("a", text, [Entity(0, 7, "Chemical", id="T1")], meta={"dataset": "chem"}),
            Document("b", text, [Entity(12, 17, "Gene", id="T1")], meta={"dataset": "gene"})]
    pred = [Document("a", text, [Entity(0, 7, "Chemical", id="P1"), Entity(12, 17, "Gene", id="P2")]),
            Document("b", text, [Entity(0, 7, "Chemical", id="P1"), Entity(12, 17, "Gene", id="P2")])]
    s = metrics.evaluate(gold, pred, "multitask")
    assert s["disjoint"].micro() == s["merged"].micro() == (1.0, 1.0, 1.0)
    assert set(s["disjoint"].labels) == {"chem/Chemical", "gene/Gene"}
    assert set(s["merged"].labels) == {"Chemical", "Gene"}


def test_multitask_as_the_papers_figure_3_counts_it():
    """Datasets' types kept apart by prefix (bc5/Chemical, bc4/Chemical): disjoint scores a
    BC5CDR sentence on bc5 types only; merged maps every type to its name and keeps those
    BC5CDR annotates, so a right bc4/Chemical counts there."""
    text = "cocaine and heroin cause seizures and mania"
    gold = [Document("s", text, [Entity(0, 7, "bc5/Chemical", id="T1"),
                                 Entity(12, 18, "bc5/Chemical", id="T2"),
                                 Entity(25, 33, "bc5/Disease", id="T3")], meta={"dataset": "bc5"}),
            Document("o", "other", [Entity(0, 5, "bc4/Chemical", id="T1")],
                     meta={"dataset": "bc4"})]
    pred = [Document("s", text, [Entity(0, 7, "bc5/Chemical", id="P1"),     # right
                                 Entity(12, 18, "bc4/Chemical", id="P2"),    # right type, bc4's
                                 Entity(38, 43, "bc5/Disease", id="P3"),     # wrong span
                                 Entity(25, 33, "ncbi/Species", id="P4")]),  # a type bc5 lacks
            Document("o", "other", [])]
    s = metrics.evaluate(gold, pred, "multitask")
    counts = lambda score: (sum(score.tp.values()), sum(score.fp.values()),  # noqa: E731
                            sum(score.fn.values()))
    assert counts(s["disjoint"]) == (1, 1, 3)   # T2 and T3 missed, P3 wrong, bc4's fn
    assert counts(s["merged"]) == (2, 1, 2)     # P2 now right; P4 still left out


def test_multitask_with_a_prefix_on_one_side_only_is_an_error_not_a_zero():
    text = "aspirin"
    gold = [Document("a", text, [Entity(0, 7, "Chemical", id="T1")])]
    pred = [Document("a", text, [Entity(0, 7, "bc5/Chemical", id="P1")])]
    with pytest.raises(ValueError, match="'data' is annotated with Chemical but predicted as "
                                         "bc5/Chemical"):
        metrics.evaluate(gold, pred, "multitask")


def test_unknown_predicted_document_is_an_error():
    with pytest.raises(ValueError, match="not in the gold data"):
        metrics.evaluate([sentence([])], [Document("other", "x")], "strict")


def test_group_relations_match_by_concept():
    def d(kb):
        return Document("p", "aspirin causes ulcers",
                        [Entity(0, 7, "Chemical", id="T1", kb_id="C1"), Entity(15, 21, "Disease", id="T2")],
                        [Relation("G1", "G2", "CID")],
                        [MentionGroup("G1", ["T1"], "Chemical", kb), MentionGroup("G2", ["T2"], "Disease", "D1")])
    assert metrics.evaluate([d("C1")], [d("C1")], "strict")["relations_strict"].micro()[2] == 1.0
    assert metrics.evaluate([d("C1")], [d("C9")], "strict")["relations_strict"].micro()[2] == 0.0
