"""The CRF's likelihood and its Viterbi decoding, checked against every IOB2 path by brute
force."""
import itertools

import numpy as np
import torch

from assay.models.joint.crf import CRF
from assay.models.joint.decode import allowed_transitions, crf_marginals, viterbi

TAGS = ["O", "B-X", "I-X", "B-Y", "I-Y"]


def valid_paths(n):
    start, follow = allowed_transitions(TAGS)
    for path in itertools.product(range(len(TAGS)), repeat=n):
        if start[path[0]] and all(follow[a, b] for a, b in zip(path, path[1:])):
            yield path


def path_score(crf, scores, path):
    with torch.no_grad():
        return float(crf.start[path[0]] + sum(scores[i, t] for i, t in enumerate(path)) +
                     sum(crf.transitions[a, b] for a, b in zip(path, path[1:])))


def crf_and_scores(seed=0):
    torch.manual_seed(seed)
    crf = CRF(*allowed_transitions(TAGS))
    with torch.no_grad():
        crf.start.normal_()
        crf.transitions.normal_()
    return crf, torch.randn(2, 4, len(TAGS))


def test_likelihood_sums_only_valid_paths():
    crf, scores = crf_and_scores()
    gold = [[1, 2, 0, 3], [3, 4, 1, -100]]  # the second window has 3 units
    loss = crf.nll(scores, torch.tensor(gold))
    expected = 0.0
    for b, n in ((0, 4), (1, 3)):
        log_z = np.logaddexp.reduce([path_score(crf, scores[b], p) for p in valid_paths(n)])
        expected += log_z - path_score(crf, scores[b], gold[b][:n])
    assert abs(float(loss) - expected / 7) < 1e-4


def test_viterbi_finds_the_best_valid_path_with_learned_transitions():
    crf, scores = crf_and_scores(1)
    paths = viterbi(scores.numpy(), [4, 3], *allowed_transitions(TAGS), crf.learned())
    for b, n in ((0, 4), (1, 3)):
        best = max(valid_paths(n), key=lambda p: path_score(crf, scores[b], p))
        assert tuple(paths[b]) == best


def test_marginals_sum_the_probabilities_of_the_valid_paths_through_each_tag():
    crf, scores = crf_and_scores(3)
    marginals = crf_marginals(scores.numpy(), [4, 3], *allowed_transitions(TAGS), crf.learned())
    for b, n in ((0, 4), (1, 3)):
        paths = list(valid_paths(n))
        weights = np.exp([path_score(crf, scores[b], p) for p in paths])
        weights /= weights.sum()
        for i in range(n):
            for t in range(len(TAGS)):
                expected = sum(w for w, p in zip(weights, paths) if p[i] == t)
                assert abs(np.exp(marginals[b, i, t]) - expected) < 1e-5
    assert (marginals[1, 3] == 0).all()  # past the second window's end


def test_a_gold_path_gets_likelier_with_training():
    crf, scores = crf_and_scores(2)
    scores.requires_grad_(True)
    gold = torch.tensor([[1, 2, 2, 0], [0, 3, 4, -100]])
    optimizer = torch.optim.SGD([scores, *crf.parameters()], lr=0.5)
    for _ in range(50):
        optimizer.zero_grad()
        crf.nll(scores, gold).backward()
        optimizer.step()
    paths = viterbi(scores.detach().numpy(), [4, 3], *allowed_transitions(TAGS), crf.learned())
    assert paths == [[1, 2, 2, 0], [0, 3, 4]]
