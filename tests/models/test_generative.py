"""The `generative` family (AnchorAlign): the sequences its decoders are taught and read back,
generation that keeps to its grammar and says when it was cut, the union of the two RE
directions and the anchor filter, the curriculum, and seq2seq models (BART, T5) in place of
the BERT-to-BERT pair."""
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.doc import Document, Entity, Relation
from assay.models.contract import EVERYTHING, Annotated
from assay.models.generative import model as net
from assay.models.generative.linearize import EOS, Layout, grammars, read, targets
from assay.models.registry import family
from assay.schema import Schema

LAYOUT = Layout(n_entity_types=3, n_relation_types=2)

entity = st.tuples(st.integers(0, 12), st.integers(0, 4), st.integers(0, 2)).map(
    lambda t: (t[0], t[0] + t[1], t[2]))


@st.composite
def annotations(draw):
    entities = sorted(set(draw(st.lists(entity, max_size=6))))
    triplets = []
    if len(entities) > 1:
        pairs = st.tuples(st.sampled_from(entities), st.sampled_from(entities),
                          st.integers(0, 1)).filter(lambda t: t[0] != t[1])
        triplets = sorted(set(draw(st.lists(pairs, max_size=6))))
    return entities, triplets


@settings(max_examples=200, deadline=None)
@given(annotations(), st.sampled_from([1, 2, 3, 4]))
def test_targets_read_back_to_what_they_were_made_of(gold, paradigm):
    entities, triplets = gold
    made = targets(LAYOUT, entities, triplets, paradigm)
    ner, forward, reverse = grammars(paradigm)
    named, _, done = read(LAYOUT, made.sequences[0], ner)[:3]
    in_relation = {e for h, t, _ in triplets for e in (h, t)}
    assert done and set(named) == (set(entities) if paradigm in (1, 3)
                                   else set(entities) - in_relation)
    for k, grammar, reverse_ in ((1, forward, False), (2, reverse, True)):
        _, found, done = read(LAYOUT, made.sequences[k], grammar, reverse=reverse_)[:3]
        assert done and sorted(found) == triplets
    # the alignment terms compare the steps of the same tokens
    for decoder, at, ner_at in made.shared:
        assert [made.sequences[decoder][i] for i in at] == \
            [made.sequences[0][i] for i in ner_at]
    assert len(made.paired) == len(triplets)
    for fwd, rev in made.paired:
        assert [made.sequences[1][i] for i in fwd] == [made.sequences[2][i] for i in rev]


def test_blocks_name_a_shared_subject_once():
    a, b, c = (0, 1, 0), (3, 3, 1), (5, 6, 2)
    flat = targets(LAYOUT, [a, b, c], [(a, b, 0), (a, c, 1)], 1).sequences[1]
    blocks = targets(LAYOUT, [a, b, c], [(a, b, 0), (a, c, 1)], 3).sequences[1]
    assert len(flat) == 2 * 7 + 1 and len(blocks) == 3 + 2 * 4 + 1
    assert blocks[-1] == EOS


def test_a_sequence_that_breaks_its_grammar_is_read_up_to_the_break():
    p = LAYOUT.pointers
    ner = grammars(3)[0]
    # an entity, then a closing pointer before its entity's first unit
    entities, _, done = read(LAYOUT, [p + 2, p + 3, 2, p + 5, p + 4, 3], ner)[:3]
    assert entities == [(2, 3, 0)] and not done


def untrained(**config):
    torch.manual_seed(0)
    docs = [Document("d", "We used Stata 13 and R.", [Entity(8, 13, "Application", id="T1"),
                                                      Entity(14, 16, "Version", id="T2")],
                     [Relation("T2", "T1", "Version_of")])]
    fam = family("generative")
    return fam.extractor.create(fam.config(**config), Schema.from_documents(docs)), docs


@pytest.fixture(scope="module")
def model(encoder):
    extractor, docs = untrained(encoder=str(encoder), decoder_layers=1, max_output=24)
    return extractor, docs


def test_generation_keeps_to_the_grammar_and_says_where_it_was_cut(model):
    extractor, docs = model
    text = "We used Stata 13 and R. " * 3
    batch = extractor.collate(extractor.prediction_inputs([Document("x", text)]))
    state = extractor.module.encode(batch)
    for k, grammar in enumerate(extractor.grammars):
        tokens, probs, cut = extractor.module.generate(k, grammar, state, 24)
        for row, p, was_cut in zip(tokens, probs, cut):
            consumed = read(extractor.layout, row, grammar)
            assert consumed.done != was_cut  # ended with EOS, or was cut
            assert all(0 < x <= 1 for x in p)
    cut = extractor.config.model_copy(update={"max_output": 4})
    extractor.config = cut
    predicted = next(extractor.predict([Document("x", text)]))
    extractor.config = cut.model_copy(update={"max_output": 24})
    assert predicted.meta["generative"]["cut"]["ner"] >= 1


def test_generation_with_the_cache_matches_teacher_forcing(model):
    extractor, _ = model
    module = extractor.module.eval()
    batch = extractor.collate(extractor.prediction_inputs([Document("x", "We used R.")]))
    with torch.no_grad():
        state = module.encode(batch)
        tokens, probs, _ = module.generate(0, extractor.grammars[0], state, 24)
        forced = module.teacher_forced(0, torch.tensor(tokens), state).exp()
    chosen = forced[0, torch.arange(len(tokens[0])), torch.tensor(tokens[0])]
    # generation masks what the grammar forbids, so its probabilities are at least these
    assert torch.all(torch.tensor(probs[0]) >= chosen - 1e-5)


def scripted(extractor, sequences: dict[int, list[int]]):
    """Make the module 'generate' these sequences (decoder → tokens) for one window."""
    def generate(k, grammar, state, max_output):
        return [sequences[k]], [[0.9] * len(sequences[k])], [False]
    extractor.module.generate = generate


@pytest.mark.parametrize("aggregate, anchor_filter, expected", [
    (True, True, {("Stata", "R", "Version_of")}),
    (True, False, {("Stata", "R", "Version_of"), ("Stata", "13", "Version_of")}),
    (False, True, {("Stata", "R", "Version_of")}),
    (False, False, {("Stata", "R", "Version_of")}),
])
def test_union_of_directions_and_the_anchor_filter(encoder, aggregate, anchor_filter,
                                                   expected):
    extractor, _ = untrained(encoder=str(encoder), decoder_layers=1, aggregate=aggregate,
                             anchor_filter=anchor_filter)
    p, L = extractor.layout.pointers, extractor.layout
    app, version = (extractor.labels.index(x) for x in ("Application", "Version"))
    # units: We used Stata 13 and R .
    stata, thirteen, r = (2, 2, app), (3, 3, version), (5, 5, app)
    ent = lambda e: [p + e[0], p + e[1], L.entity_type(e[2])]  # noqa: E731
    scripted(extractor, {
        0: ent(stata) + ent(r) + [EOS],                          # NER: Stata, R
        1: ent(stata) + ent(r) + [L.relation(0)] + [EOS],         # forward: Stata → R
        2: ent(thirteen) + ent(stata) + [L.relation(0)] + [EOS],  # reverse: 13 ← Stata
    })
    doc = next(extractor.predict([Document("x", "We used Stata 13 and R.")]))
    by_id = doc.entity_by_id()
    text = lambda e: doc.text[e.start:e.end]  # noqa: E731
    assert {(text(by_id[r.head]), text(by_id[r.tail]), r.label) for r in doc.relations} == \
        expected
    # an argument outside the NER decoder's entities is added, with the RE decoder's type
    assert ("13" in {text(e) for e in doc.entities}) == (aggregate and not anchor_filter)


def test_curriculum_then_progressive_activation(encoder):
    extractor, docs = untrained(encoder=str(encoder), decoder_layers=1, curriculum_epochs=1,
                                simple_triplets=0, align_from=3)
    docs = docs + [Document("e", "No software here.")]
    windows = extractor.examples(docs, [EVERYTHING] * 2)
    extractor.module.train()
    seen = {}
    for epoch in (1, 2, 3):
        extractor.start_epoch(epoch)
        batches = list(extractor.batches(windows, 8, seed=epoch))
        seen[epoch] = (sum(len(b["examples"]) for b in batches),
                       set(extractor.training_step(batches[0])))
    assert seen[1] == (1, {"loss", "ner", "re"})  # the simple window alone, generation only
    assert seen[2] == (2, {"loss", "ner", "re"})
    assert seen[3] == (2, {"loss", "ner", "re", "ner_re", "re_align", "suppress"})


def test_alignment_terms_vanish_when_decoders_agree():
    logp = torch.randn(2, 5, 9).log_softmax(-1)
    logp[..., -1] = float("-inf")  # a padding unit
    assert torch.allclose(net.kl(logp, logp), torch.zeros(2, 5))
    targets_ = torch.tensor([[0, 1, -100, -100, -100], [2, 0, 1, 3, 0]])
    none = torch.zeros(2, 9, dtype=torch.bool)
    assert float(net.suppression(logp, targets_, none)) == 0.0
    some = none.clone()
    some[:, 4] = True
    assert float(net.suppression(logp, targets_, some)) > 0


def test_a_source_that_does_not_annotate_every_type_is_refused(model):
    extractor, docs = model
    with pytest.raises(ValueError, match="Version_of"):
        extractor.examples(docs, [Annotated(frozenset({"Application", "Version"}),
                                            frozenset())])


def tiny_seq2seq(folder: Path, kind: str) -> Path:
    """A random tiny BART or T5 with MiniLM's tokenizer, saved like a Hugging Face model."""
    from transformers import BartConfig, BartForConditionalGeneration, T5Config, \
        T5ForConditionalGeneration

    from assay.models.encoders import load_tokenizer

    torch.manual_seed(0)
    tokenizer = load_tokenizer("minilm")
    if kind == "bart":
        model = BartForConditionalGeneration(BartConfig(
            vocab_size=tokenizer.vocab_size, d_model=32, encoder_layers=1, decoder_layers=1,
            encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
            decoder_ffn_dim=64, max_position_embeddings=128,
            pad_token_id=tokenizer.pad_token_id))
    else:  # T5's tokenizer has no [CLS] nor [SEP]: windows open with padding, end with EOS
        tokenizer.cls_token, tokenizer.sep_token, tokenizer.eos_token = None, None, "[SEP]"
        model = T5ForConditionalGeneration(T5Config(
            vocab_size=tokenizer.vocab_size, d_model=32, d_kv=16, d_ff=64, num_layers=1,
            num_heads=2, decoder_start_token_id=tokenizer.pad_token_id,
            pad_token_id=tokenizer.pad_token_id))
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.mark.parametrize("kind", ["bart", "t5"])
def test_a_seq2seq_model_brings_its_encoder_and_decoder(tmp_path, kind):
    weights = tiny_seq2seq(tmp_path / kind, kind)
    extractor, docs = untrained(encoder=str(weights), max_output=16)
    assert type(extractor.module.encoder).__name__ in ("BartEncoder", "T5Stack")
    if kind == "t5":
        assert extractor.tokenizer.cls_token_id is None
    windows = extractor.examples(docs, [EVERYTHING])
    extractor.module.train()
    optimizer = torch.optim.AdamW(extractor.module.parameters(), lr=1e-2)
    for _ in range(3):
        losses = extractor.training_step(next(extractor.batches(windows, 1, seed=0)))
        losses["loss"].backward()
        optimizer.step()
        optimizer.zero_grad()
    before = [rounded(d) for d in extractor.predict(docs)]
    extractor.save(tmp_path / "saved")
    again = family("generative").extractor.load(tmp_path / "saved")
    assert [rounded(d) for d in again.predict(docs)] == before  # scores differ by ~1e-8


def rounded(doc: Document) -> tuple:
    return ([(e.start, e.end, e.label, round(e.score, 6)) for e in doc.entities],
            [(r.head, r.tail, r.label, round(r.score, 6)) for r in doc.relations])


def test_what_no_window_can_hold_is_counted(model):
    extractor, _ = model
    doc = Document("x", "We used Stata. It runs R.", [
        Entity(8, 13, "Application", id="T1"), Entity(23, 24, "Application", id="T2"),
        Entity(3, 7, "Version", id="T3", fragments=((3, 4), (5, 7)))],
        [Relation("T1", "T2", "Version_of")], sentences=[(0, 14), (15, 25)])
    windows = extractor.examples([doc], [EVERYTHING])
    # the fragmented entity, and the relation across the two sentences
    assert extractor.skipped == 2 and len(windows) == 2
