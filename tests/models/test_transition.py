"""SRU-NER's transitions: nested mentions to action rows and back, decoding that never leaves a
mention open or crossing another whatever the scores, and the partial-annotation step loss."""
import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.models.transition.actions import (EOA, SH, decode, encodable, gold_rows, n_actions,
                                              reduce, transition)
from assay.models.transition.model import step_loss

N_TYPES = 3


def one_hot(rows: list[list[int]], n_types: int = N_TYPES) -> np.ndarray:
    probs = np.zeros((len(rows), n_actions(n_types)))
    for t, row in enumerate(rows):
        probs[t, row] = 1.0
    return probs


def test_the_papers_order_longest_opens_first_shortest_closes_first():
    # words 0..3; A [0, 3) around B [0, 1), and B [2, 3) ending with A
    rows = gold_rows(4, [(0, 1, 1), (0, 3, 0), (2, 3, 1)])
    assert rows == [[transition(0), transition(1)], [SH], [reduce(1)], [SH],
                    [transition(1)], [SH], [reduce(1), reduce(0)], [SH], [EOA]]
    assert [m[:3] for m in decode(one_hot(rows), 4)] == [(0, 1, 1), (0, 3, 0), (2, 3, 1)]


def test_a_type_closing_twice_at_one_word_takes_two_rows():
    rows = gold_rows(2, [(0, 2, 0), (1, 2, 0)])
    assert rows == [[transition(0)], [SH], [transition(0)], [SH], [reduce(0)], [reduce(0)],
                    [EOA]]
    assert [m[:3] for m in decode(one_hot(rows), 2)] == [(0, 2, 0), (1, 2, 0)]


def test_encodable_leaves_out_repeats_and_crossings():
    assert encodable([(0, 3, 0), (1, 4, 0), (1, 4, 1), (0, 3, 0), (0, 3, 2), (1, 2, 1)]) == \
        [(0, 3, 0), (0, 3, 2), (1, 2, 1)]


mentions = st.lists(st.tuples(st.integers(0, 11), st.integers(1, 5), st.integers(0, N_TYPES - 1))
                    .map(lambda m: (m[0], min(12, m[0] + m[1]), m[2])), max_size=10)


@settings(max_examples=200, deadline=None)
@given(mentions)
def test_gold_rows_decode_back_to_the_mentions(found):
    kept = encodable(found)
    decoded = decode(one_hot(gold_rows(12, kept)), 12)
    assert all(score == 1.0 for *_, score in decoded)
    assert sorted(m[:3] for m in decoded) == sorted(kept)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 12), st.integers(1, 60))
def test_decoding_any_scores_gives_closed_uncrossed_mentions_inside_the_sentence(seed, words, steps):
    rng = np.random.default_rng(seed)
    probs = rng.random((steps, n_actions(N_TYPES))) ** rng.uniform(0.2, 3)  # skewed either way
    found = decode(probs, words)
    spans = {(s, e) for s, e, _, _ in found}
    assert len(found) == len({m[:3] for m in found})
    for s, e, k, score in found:
        assert 0 <= s < e <= words and 0 <= k < N_TYPES and 0 <= score <= 1
        assert not any(a < s < b < e or s < a < e < b for a, b in spans)


def test_a_reduce_closes_the_latest_mention_opened_before_its_word():
    # gold A [0, 3), A [1, 3), A [3, 5): at word 3 the rows RE | RE,TR; a model that puts
    # the TR in the first row (RE,TR | RE) must not close the empty A opened at 3
    gold = [(0, 3, 0), (1, 3, 0), (3, 5, 0)]
    rows = gold_rows(5, gold)
    assert rows[5:7] == [[reduce(0)], [reduce(0), transition(0)]]
    rows[5:7] = [[reduce(0), transition(0)], [reduce(0)]]
    assert [m[:3] for m in decode(one_hot(rows), 5)] == gold


def test_the_closing_step_applies_its_reduces():
    probs = one_hot([[transition(0)], [SH], [SH]])
    last = np.zeros((1, n_actions(N_TYPES)))
    last[0, EOA], last[0, reduce(0)] = 0.9, 0.8  # EOA likeliest, the RE above threshold too
    assert [m[:3] for m in decode(np.vstack([probs, last]), 2)] == [(0, 2, 0)]


def test_a_run_of_reduces_with_nothing_open_builds_nothing():
    rows = [[reduce(0), reduce(1)], [SH], [reduce(0)], [transition(2)], [EOA]]
    assert decode(one_hot(rows), 3) == []  # and TR(2) never closed: dropped


def test_an_unannotated_type_gets_no_loss_and_may_take_a_gold_sh_step():
    width = n_actions(2)
    unknown = torch.zeros(3, width, dtype=torch.bool)
    unknown[:, [transition(1), reduce(1)]] = True  # type 1 is not annotated by the source
    gold = torch.zeros(3, width)
    gold[0, SH] = gold[1, transition(0)] = gold[2, EOA] = 1
    logits = torch.zeros(3, width)
    logits[:, SH], logits[:, transition(1)] = -1.0, 5.0  # the model wants to open a type-1 mention everywhere
    logits.requires_grad_(True)
    loss, yields = step_loss(logits, gold, unknown, torch.ones(3, dtype=torch.bool))
    loss.sum().backward()
    assert yields.tolist() == [True, False, False]   # a gold SH step: the model's
    assert logits.grad[0, SH] == 0                    # ... its SH not pushed down there
    assert (logits.grad[:2, transition(1)] == 0).all() and (logits.grad[:2, reduce(1)] == 0).all()
    assert logits.grad[2, transition(1)] == 0         # ... at EOA neither (the paper's)
    # a step that already yielded cannot yield again: the SH is then trained
    again, yields = step_loss(logits, gold, unknown, torch.zeros(3, dtype=torch.bool))
    assert not yields.any() and again[0] > loss[0]
    # with everything annotated it is the plain mean binary cross-entropy
    full, _ = step_loss(logits, gold, None, torch.ones(3, dtype=torch.bool))
    expected = torch.nn.functional.binary_cross_entropy_with_logits(logits, gold,
                                                                   reduction="none").mean(1)
    assert torch.allclose(full, expected)
    # the unannotated type's actions add nothing, and the mean is still over every action
    assert torch.allclose(loss[1:], (expected[1:] * width - _bce_unknown(logits, gold)[1:]) / width)


def _bce_unknown(logits, gold):
    """The binary cross-entropy of type 1's actions (TR, RE) at each step."""
    columns = [transition(1), reduce(1)]
    return torch.nn.functional.binary_cross_entropy_with_logits(
        logits[:, columns], gold[:, columns], reduction="none").sum(1)


def _module(n_types: int = N_TYPES):
    from transformers import BertConfig, BertModel

    from assay.models.transition.config import TransitionConfig
    from assay.models.transition.model import TransitionModule

    encoder = BertModel(BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=1,
                                   num_attention_heads=2, intermediate_size=32),
                        add_pooling_layer=False)
    return TransitionModule(TransitionConfig(encoder="x"), encoder, n_actions(n_types)).eval()


def _batch(lengths: list[int]) -> dict:
    """Sentences of these word counts, a piece a word: [CLS] w1 .. wN [SEP], padded."""
    q = max(lengths) + 2
    ids = torch.zeros(len(lengths), q, dtype=torch.long)
    slot = torch.full((len(lengths), q), q)
    mask = torch.zeros(len(lengths), q, dtype=torch.bool)
    for b, n in enumerate(lengths):
        ids[b, :n + 2] = torch.arange(1, n + 3)
        slot[b, :n + 2] = torch.arange(n + 2)
        mask[b, :n + 2] = True
    return {"input_ids": ids, "attention_mask": mask.long(), "slot_of_piece": slot,
            "slot_mask": mask}


def test_generation_reads_every_word_whatever_the_model_prefers():
    """A model that always wants to end, or always to open a mention, still shifts every
    word of every sentence (an early EOA counts as a shift; a stall at one word is broken)."""
    for favourite in (EOA, transition(0)):
        module = _module()
        with torch.no_grad():
            module.scorer[-1].bias.fill_(-5.0)
            module.scorer[-1].bias[favourite] = 50.0
            module.scorer[-1].weight.zero_()
        lengths = [3, 9]
        with torch.no_grad():
            probs, kinds, steps = module.generate(_batch(lengths), max_steps=15,
                                                  threshold=0.5, max_run=4)
        for b, n in enumerate(lengths):
            mine = kinds[b, :steps[b]].tolist()
            assert mine.count(SH) == n and mine[-1] == EOA  # every word shifted, then the end
            assert max(len(run) for run in "".join("x" if k == -1 else "." for k in mine
                                                    ).split(".")) <= 4
            assert all(s < e <= n for s, e, _, _ in decode(probs[b, :steps[b]].numpy(), n,
                                                             0.5, kinds[b, :steps[b]].numpy()))
