"""What the three decoders write, as token ids, and reading it back.

Every decoder writes into one output space: `EOS`, `SEP` (ends a block), a token per entity
type, a token per relation type, then a pointer per unit (word) of the window. An entity is
three tokens: pointers to its first and last unit and its type. The NER decoder writes the
entities (all of them, or those in no relation: `paradigm` 2 and 4); the forward decoder the
triplets as (head, tail, relation), the reverse one as (tail, head, relation): flat, or in
blocks that name the first entity once and then each (other entity, relation) pair
(`paradigm` 3 and 4). A `Grammar` says what may follow what: generation keeps to it, and
`read` turns a sequence back into entities and triplets.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

EOS, SEP = 0, 1
PTR, ETYPE, REL, BLOCK_END, STOP = "pointer", "entity type", "relation", "block end", "stop"

Ent = tuple[int, int, int]            # (first unit, last unit, entity type index)
Triplet = tuple[Ent, Ent, int]        # (head, tail, relation type index)


@dataclass(frozen=True)
class Layout:
    """Where each kind of token sits in the output space."""

    n_entity_types: int
    n_relation_types: int

    @property
    def pointers(self) -> int:
        """The id of the pointer to unit 0 (the number of symbols before the pointers)."""
        return 2 + self.n_entity_types + self.n_relation_types

    def entity_type(self, k: int) -> int:
        return 2 + k

    def relation(self, k: int) -> int:
        return 2 + self.n_entity_types + k

    def kind(self, token: int) -> str:
        if token >= self.pointers:
            return PTR
        if token >= 2 + self.n_entity_types:
            return REL
        if token >= 2:
            return ETYPE
        return STOP if token == EOS else BLOCK_END


@dataclass(frozen=True)
class Grammar:
    """A finite automaton over token kinds: `moves[state][kind]` is the next state (-1: the
    sequence is done); `closes` are the states whose pointer ends an entity (it may not
    precede the entity's first)."""

    moves: tuple[dict[str, int], ...]
    closes: frozenset[int]


ENTITIES = Grammar(({PTR: 1, STOP: -1}, {PTR: 2}, {ETYPE: 0}), frozenset({1}))
TRIPLETS = Grammar(({PTR: 1, STOP: -1}, {PTR: 2}, {ETYPE: 3}, {PTR: 4}, {PTR: 5},
                    {ETYPE: 6}, {REL: 0}), frozenset({1, 4}))
BLOCKS = Grammar(({PTR: 1, STOP: -1}, {PTR: 2}, {ETYPE: 3}, {PTR: 4}, {PTR: 5}, {ETYPE: 6},
                  {REL: 7}, {PTR: 4, BLOCK_END: 0, STOP: -1}), frozenset({1, 4}))


def grammars(paradigm: int) -> tuple[Grammar, Grammar, Grammar]:
    """The NER, forward and reverse decoders' grammars."""
    relations = BLOCKS if paradigm in (3, 4) else TRIPLETS
    return ENTITIES, relations, relations


@dataclass
class Targets:
    """One window's three target sequences, and the steps the alignment losses compare:
    `shared` (decoder 1 or 2, its steps of an entity, the NER decoder's steps of the same
    entity) and `paired` (the forward decoder's steps of a triplet, the reverse decoder's steps
    of the same triplet: head, tail, relation, in that order in both)."""

    sequences: list[list[int]]
    shared: list[tuple[int, list[int], list[int]]] = field(default_factory=list)
    paired: list[tuple[list[int], list[int]]] = field(default_factory=list)
    n_triplets: int = 0


def _entity_tokens(layout: Layout, e: Ent) -> list[int]:
    return [layout.pointers + e[0], layout.pointers + e[1], layout.entity_type(e[2])]


def targets(layout: Layout, entities: list[Ent], triplets: list[Triplet],
            paradigm: int) -> Targets:
    """The target sequences of a window's gold entities and triplets, entities in text order,
    triplets by their first entity, then by the other."""
    triplets = sorted(set(triplets))
    in_relation = {e for h, t, _ in triplets for e in (h, t)}
    named = sorted(set(entities) if paradigm in (1, 3) else set(entities) - in_relation)
    ner, ner_steps = [], {}
    for e in named:
        ner_steps[e] = list(range(len(ner), len(ner) + 3))
        ner += _entity_tokens(layout, e)
    result = Targets([ner + [EOS]], n_triplets=len(triplets))
    steps: list[dict] = []
    for decoder, reverse in ((1, False), (2, True)):
        sequence, found = _relations(layout, triplets, reverse, paradigm in (3, 4))
        result.sequences.append(sequence)
        steps.append(found)
        for entity, at in found["entities"]:
            if entity in ner_steps:
                result.shared.append((decoder, at, ner_steps[entity]))
    result.paired = [(steps[0]["triplets"][t], steps[1]["triplets"][t]) for t in triplets]
    return result


def _relations(layout: Layout, triplets: list[Triplet], reverse: bool, blocks: bool
               ) -> tuple[list[int], dict]:
    """One RE decoder's sequence, with the steps of each entity written and of each triplet
    (head's three, tail's three, relation's one)."""
    sequence: list[int] = []
    entities: list[tuple[Ent, list[int]]] = []
    of_triplet: dict[Triplet, list[int]] = {}

    def write(e: Ent) -> list[int]:
        at = list(range(len(sequence), len(sequence) + 3))
        sequence.extend(_entity_tokens(layout, e))
        entities.append((e, at))
        return at

    ordered = sorted(triplets, key=lambda t: (t[1], t[0], t[2]) if reverse else t)
    previous, anchor_at = None, []
    for triplet in ordered:
        head, tail, relation = triplet
        first, other = (tail, head) if reverse else (head, tail)
        if blocks and previous == first:
            first_at = anchor_at
        else:
            if blocks and previous is not None:
                sequence.append(SEP)
            first_at = anchor_at = write(first)
        other_at = write(other)
        of_triplet[triplet] = ((other_at + first_at) if reverse else (first_at + other_at)) \
            + [len(sequence)]
        sequence.append(layout.relation(relation))
        previous = first
    return sequence + [EOS], {"entities": entities, "triplets": of_triplet}


class Reading(NamedTuple):
    """What a sequence names: entities, triplets as (head, tail, relation) whatever the
    decoder's direction, whether it ended with EOS, and the step of each entity's first token
    and of each triplet's relation token."""

    entities: list[Ent]
    triplets: list[Triplet]
    done: bool
    entity_steps: list[int]
    triplet_steps: list[int]


def read(layout: Layout, tokens: list[int], grammar: Grammar, reverse: bool = False
         ) -> Reading:
    """What the sequence names (`Reading`). A sequence that breaks the grammar is read up to
    the break."""
    entities: list[Ent] = []
    triplets: list[Triplet] = []
    entity_steps: list[int] = []
    triplet_steps: list[int] = []
    state, pending, done = 0, [], False
    first = other = None
    for step, token in enumerate(tokens):
        kind = layout.kind(token)
        nxt = grammar.moves[state].get(kind)
        if nxt is None:
            break
        if nxt == -1:
            done = True
            break
        if kind == PTR:
            pending.append(token - layout.pointers)
            if state in grammar.closes and pending[-1] < pending[0]:
                break
        elif kind == ETYPE:
            entity = (pending[0], pending[1], token - 2)
            pending = []
            if grammar is ENTITIES:
                entities.append(entity)
                entity_steps.append(step - 2)
            elif state == 2:
                first = entity
            else:
                other = entity
        elif kind == REL:
            relation = token - 2 - layout.n_entity_types
            triplets.append(((other, first) if reverse else (first, other)) + (relation,))
            triplet_steps.append(step)
        state = nxt
    return Reading(entities, triplets, done, entity_steps, triplet_steps)
