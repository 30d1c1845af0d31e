"""AnchorAlign's augmentation: the paper's prompts, answers kept only when they keep the
entities' number, types and order (and every mask once), mention and context variants
crossed with relations kept by index, type masks; and a model pre-trained on such sentences
as the start of another (`init_from`)."""

import pytest

from assay.doc import Document, Entity, Relation
from assay.models.generative import augment as aug
from assay.models.llm.backends import Answer

DOC = Document("d", "We used Stata 13 for it. Nothing here.",
               [Entity(8, 13, "Application", id="T1"), Entity(14, 16, "Version", id="T2")],
               [Relation("T2", "T1", "Version_of")])


class Scripted:
    """A backend that gives these answers, in order, and keeps the questions."""

    def __init__(self, answers: list[str]):
        self.answers, self.asked = answers, []

    def generate(self, conversations, max_new_tokens, asked=None, structured=True):
        assert structured is False  # lines of text: nothing stops at the first structure
        self.asked += [c[-1]["content"] for c in conversations]
        return [Answer(a, False, None) for a in self.answers[:len(conversations)]]


def test_questions_are_the_papers_prompts_with_the_sentence_marked():
    (sample,), left_out = aug.samples(DOC)  # the sentence without entities is not asked
    assert left_out == 0 and sample.text == "We used Stata 13 for it."
    mention = aug.mention_question(sample)
    assert mention.startswith(aug.MENTION_PROMPT) and \
        'We used {"Application": "Stata"} {"Version": "13"} for it.' in mention
    assert "We used <mask0> <mask1> for it." in aug.context_question(sample)


def test_answers_that_keep_the_entities_are_crossed_with_relations_by_index():
    backend = Scripted([
        '1. We used {"Application": "SPSS"} {"Version": "25"} for it.\n'
        '2. We used {"Version": "25"} {"Application": "SPSS"} for it.\n'   # order changed
        '3. We used {"Application": "R"} for it.',                          # one lost
        "1. For it, <mask0> <mask1> was used.\n2. <mask0> was used.\n3. We ran <mask0> <mask1>."])
    made, counts = aug.augment([DOC], backend)
    assert (counts.mention_lines, counts.mention_kept) == (3, 1)
    assert (counts.context_lines, counts.context_kept) == (3, 2)
    # (1 + 1 mention lists) × (1 + 2 contexts), less the original itself
    assert counts.written == len(made) == 5
    texts = {d.text for d in made}
    assert {"We used SPSS 25 for it.", "For it, SPSS 25 was used.", "We ran Stata 13."} <= texts
    for doc in made:
        doc.validate()
        by_id = doc.entity_by_id()
        (relation,) = doc.relations
        head, tail = by_id[relation.head], by_id[relation.tail]
        assert (head.label, tail.label, relation.label) == ("Version", "Application",
                                                            "Version_of")
        assert doc.text[tail.start:tail.end] in ("Stata", "SPSS")


def test_overlapping_entities_are_not_asked_about_and_counted():
    nested = Document("n", "The R package lme4.", [Entity(4, 13, "PlugIn", id="T1"),
                                                   Entity(4, 5, "Application", id="T2")])
    made, counts = aug.augment([nested], Scripted([]))
    assert made == [] and counts.left_out == 1 and counts.sentences == 0


def test_type_masks_replace_mentions_and_keep_relations():
    masked = aug.masked(DOC, ["Application", "Version"])
    assert masked.text == "We used <mask_0> <mask_1> for it. Nothing here."
    masked.validate()
    assert [masked.text[e.start:e.end] for e in masked.entities] == ["<mask_0>", "<mask_1>"]
    assert masked.relations == DOC.relations


def test_the_cli_writes_what_it_counts(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from assay import formats
    from assay.cli import app
    from assay.models.llm import extractor as llm

    monkeypatch.setattr(llm, "make_backend", lambda *a, **k: Scripted([
        '1. We used {"Application": "SPSS"} {"Version": "25"} for it.',
        "1. For it, <mask0> <mask1> was used."]))
    source = tmp_path / "in.jsonl"
    formats.write([DOC], source, "jsonl")
    result = CliRunner().invoke(app, ["augment", str(source), str(tmp_path / "out.jsonl"),
                                      "--format", "jsonl", "--masked",
                                      str(tmp_path / "masked.jsonl")])
    assert result.exit_code == 0, result.output
    assert "wrote 3 sentences" in result.output
    assert len(list(formats.read(tmp_path / "out.jsonl", "jsonl"))) == 3
    masked = list(formats.read(tmp_path / "masked.jsonl", "jsonl"))
    assert len(masked) == 3 and all("<mask_" in d.text for d in masked)


def test_init_from_starts_from_an_earlier_models_weights(tmp_path, encoder):
    import torch

    from assay.models.registry import family
    from assay.schema import Schema

    fam = family("generative")
    schema = Schema.from_documents([DOC])
    first = fam.extractor.create(fam.config(encoder=str(encoder), decoder_layers=1), schema)
    with torch.no_grad():
        first.module.symbols.weight.add_(1.0)
    first.save(tmp_path / "pre")
    second = fam.extractor.create(fam.config(encoder=str(encoder), decoder_layers=1,
                                             init_from=str(tmp_path / "pre")), schema)
    assert torch.equal(second.module.symbols.weight, first.module.symbols.weight)
    # other labels: what they size starts fresh, the rest is the earlier model's
    third = fam.extractor.create(fam.config(encoder=str(encoder), decoder_layers=1,
                                            init_from=str(tmp_path / "pre")),
                                 Schema(["Application"], {}))
    assert "symbols.weight" in third.fresh  # one row a label
    earlier = first.module.state_dict()
    kept = [n for n, t in third.module.state_dict().items() if n not in third.fresh]
    assert kept and all(torch.equal(third.module.state_dict()[n], earlier[n]) for n in kept
                        if n in earlier and earlier[n].shape == third.module.state_dict()[n].shape)
