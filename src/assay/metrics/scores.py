"""Counts per label and the precision / recall / F1 figures built from them."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Hashable, Iterable


def prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    """Precision, recall, F1; 0.0 where a denominator is 0."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


@dataclass
class Score:
    """True positives, false positives and false negatives per label.

    Micro figures come from the summed counts. Macro P and R are the means of the per-label
    P and R, and macro F1 the mean of the per-label F1 (as seqeval, scikit-learn and the
    GutBrainIE scorer define it), over every label with gold or predicted items.
    """

    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)

    @property
    def labels(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fp) | set(self.fn), key=str)

    def support(self, label: Hashable | None = None) -> int:
        if label is None:
            return sum(self.tp.values()) + sum(self.fn.values())
        return self.tp[label] + self.fn[label]

    def micro(self) -> tuple[float, float, float]:
        return prf(sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values()))

    def per_label(self) -> dict[Hashable, tuple[float, float, float]]:
        return {label: prf(self.tp[label], self.fp[label], self.fn[label]) for label in self.labels}

    def macro(self) -> tuple[float, float, float]:
        scores = list(self.per_label().values())
        if not scores:
            return 0.0, 0.0, 0.0
        return tuple(sum(s[i] for s in scores) / len(scores) for i in range(3))  # type: ignore

    def __iadd__(self, other: "Score") -> "Score":
        self.tp.update(other.tp)
        self.fp.update(other.fp)
        self.fn.update(other.fn)
        return self

    def only_gold_labels(self) -> "Score":
        """The counts of the labels that have gold items; predictions of other labels are dropped."""
        gold = {label for label in self.labels if self.support(label)}
        return Score(*(Counter({k: v for k, v in c.items() if k in gold})
                       for c in (self.tp, self.fp, self.fn)))

    def to_json(self, per_label: bool = True) -> dict[str, Any]:
        (mp, mr, mf), (ap, ar, af) = self.micro(), self.macro()
        out: dict[str, Any] = {"micro_p": mp, "micro_r": mr, "micro_f1": mf,
                               "macro_p": ap, "macro_r": ar, "macro_f1": af,
                               "support": self.support()}
        if per_label:
            out["per_label"] = {str(label): {"p": p, "r": r, "f1": f, "support": self.support(label)}
                                for label, (p, r, f) in self.per_label().items()}
        return out


def count(gold: Iterable[tuple[Hashable, Hashable]], pred: Iterable[tuple[Hashable, Hashable]]) -> Score:
    """Exact matching of `(key, label)` items as sets: a prediction is right when its key (which
    holds the label where the label must match) is among the gold keys. The label only says
    where a count goes: TP and FN to the gold item's label, FP to the predicted item's."""
    gold_items, pred_items = dict(gold), dict(pred)
    score = Score()
    for key, label in gold_items.items():
        (score.tp if key in pred_items else score.fn)[label] += 1
    for key, label in pred_items.items():
        if key not in gold_items:
            score.fp[label] += 1
    return score


@dataclass
class Combined:
    """The mean of two scores' figures (SOMD's Total: the mean of entity and relation F1)."""

    parts: tuple[Score, Score]

    def to_json(self, per_label: bool = False) -> dict[str, Any]:
        a, b = (part.to_json(per_label=False) for part in self.parts)
        out = {k: (a[k] + b[k]) / 2 for k in a if k != "support"}
        out["support"] = a["support"] + b["support"]
        return out
