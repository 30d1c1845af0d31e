"""From a model's raw answer to (type, mention) pairs, and from mentions to character spans.

Real answers are messy: code fences, prose before and after, Python literals with single
quotes, JSON cut off where the output length ran out, repeats. `parse` reads the first
structure it finds as JSON, then as a Python literal, then (cut or broken) closes what was left
open, and as a last resort picks the quoted pairs out with patterns. Nothing is invented:
`locate` places a mention only where it occurs in the text, and says which it could not place.
"""
from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field

from assay.models.decoding import longest_first, select_spans

MAX_DEPTH = 8  # the deepest the answer shapes nest is 3: {type: [{'E': .., 'W': ..}]}
FENCE = re.compile(r"```[a-zA-Z]*\s*\n?(.*?)(?:```|$)", re.S)
TYPE_KEYS = ("e", "type", "entity_type", "label", "category")
WORD_KEYS = ("w", "entity", "word", "text", "mention", "span", "name", "value")


@dataclass
class Parsed:
    """What an answer said: (type, mention) pairs in order, repeats removed; types that are
    not among those asked for, dropped and kept here; whether the structure had to be
    mended (cut or broken) or guessed from patterns."""

    pairs: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[tuple[str, str]] = field(default_factory=list)
    mended: bool = False


def parse(raw: str, labels: list[str], label: str | None = None) -> Parsed:
    """The (type, mention) pairs of an answer to a question about `labels` (UniNER: about
    `label` alone, whose answer is a bare list of mentions)."""
    text = _unfenced(raw)
    known = {t.casefold(): t for t in labels}
    value, mended = _structure(text, label, known)
    if value is None:
        value, mended = _patterns(text, label), True
    parsed = Parsed(mended=mended)
    unknown = set()
    for t, w in _pairs(value, label):
        w = w.strip()
        if not w:
            continue
        key = t.strip().casefold()
        canonical = known.get(key)
        if canonical is None:
            if (key, w) not in unknown:
                unknown.add((key, w))
                parsed.unknown.append((t, w))
        elif (canonical, w) not in parsed.pairs:
            parsed.pairs.append((canonical, w))
    return parsed


def complete(raw: str, label: str | None = None) -> bool:
    """Whether the answer so far holds a whole answer structure that `parse` reads:
    generation can stop there, as what follows it is never read."""
    value, mended = _structure(_unfenced(raw), label)
    return value is not None and not mended


def _unfenced(raw: str) -> str:
    fenced = FENCE.search(raw)
    return fenced.group(1) if fenced else raw


def _structure(text: str, label: str | None, known: dict[str, str] | None = None):
    """The first JSON or Python literal list or dict in `text` that answers (it holds
    pairs, or is an empty answer: `[]`, `{"Task": []}`), and whether it was mended (cut or
    broken); (None, False) when there is none. A structure that says nothing of entities
    (a type list echoed from the prompt) is passed over; given the `known` types (casefolded),
    so is one whose pairs are all of other types (the prompt's format example echoed: `[{'E':
    'type', 'W': 'entity'}]`) when a later one has a known type's."""
    first = None
    for start in [m.start() for m in re.finditer(r"[\[{]", text)][:8]:
        end = _closing(text, start)
        value = _literal(text[start:end] if end is not None else _closed(text[start:]))
        if value is None:
            continue
        pairs = list(_pairs(value, label))
        if _empty(value) or pairs and (known is None or any(
                t.strip().casefold() in known for t, _ in pairs)):
            return value, end is None
        if first is None and pairs:
            first = value, end is None
    return first or (None, False)


def _empty(value) -> bool:
    """`[]`, `{}` or an object of empty lists: an answer that there are no entities."""
    if isinstance(value, Items):
        return all(isinstance(v, (list, tuple)) and not v for _, v in value)
    return isinstance(value, (list, tuple)) and not value


class Items(list):
    """A JSON object's (key, value) items in order, repeated keys kept: small models write
    `{"E": "Task", "W": "a", "E": "Method", "W": "b"}` for two entities."""


def _literal(text: str):
    """`text` as JSON, else as a Python literal (single quotes); objects as `Items`."""
    try:
        return json.loads(text, object_pairs_hook=Items)
    except (ValueError, RecursionError):
        pass
    try:
        value = _python(ast.parse(text.strip(), mode="eval").body)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, (list, tuple)) else None


def _python(node):
    """A literal's value from its syntax tree, dicts as `Items` (repeated keys kept, which
    `ast.literal_eval` would collapse); anything but a literal raises ValueError."""
    if isinstance(node, ast.Dict):
        return Items((_python(k), _python(v)) for k, v in zip(node.keys, node.values)
                     if k is not None)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [_python(x) for x in node.elts]
    if isinstance(node, ast.Constant):
        return node.value
    raise ValueError("not a literal")


def _outside_strings(text: str, start: int = 0):
    """(position, character) of each character of `text` from `start` that is not inside a
    quoted string (nor one of its quotes)."""
    quote, escaped = None, False
    for i in range(start, len(text)):
        c = text[i]
        if quote:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        else:
            yield i, c


def _closing(text: str, start: int) -> int | None:
    """The end of the bracketed structure opening at `start`, or None when it never closes."""
    depth = 0
    for i, c in _outside_strings(text, start):
        if c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
            if depth == 0:
                return i + 1
    return None


def _closed(text: str) -> str:
    """A cut structure closed: cut after its last whole item, the brackets left open closed."""
    last_complete = 0
    for i, c in _outside_strings(text):
        if c in "]}":
            last_complete = i + 1
        elif c == ",":
            last_complete = i
    head = text[:last_complete].rstrip().rstrip(",")
    opened: list[str] = []
    for _, c in _outside_strings(head):
        if c in "[{":
            opened.append("]" if c == "[" else "}")
        elif c in "]}" and opened:
            opened.pop()
    return head + "".join(reversed(opened))


# a string's closing quote is one the structure's syntax follows: 'Dijkstra's algorithm'
PAIR = re.compile(r"""['"]E['"]\s*:\s*(['"])(.*?)\1(?=\s*,)\s*,\s*['"]W['"]\s*:\s*(['"])(.*?)\3"""
                  r"""(?=\s*(?:[,}\]]|$))""", re.S)
LISTED = re.compile(r"""(['"])(.+?)\1(?=\s*(?:[,\]]|$))""")
QUOTED = re.compile(r"""(['"])((?:(?!\1).)+)\1""")


def _patterns(text: str, label: str | None):
    """Quoted (E, W) pairs, or for a bare list (UniNER) every quoted string but the asked
    type's own name (`The text describes "Task" ...` names no mention)."""
    pairs = [Items([("E", m.group(2)), ("W", m.group(4))]) for m in PAIR.finditer(text)]
    if pairs or label is None:
        return pairs
    quoted = list(LISTED.finditer(text)) or list(QUOTED.finditer(text))
    return [m.group(2) for m in quoted if m.group(2).strip().casefold() != label.casefold()]


def _pairs(value, label: str | None, depth: int = 0):
    """(type, mention) pairs out of any of the shapes the templates ask for or models give;
    nothing from deeper than any of them nests (a repeat cut at thousands of levels)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, dict):
        value = Items(value.items())
    if isinstance(value, Items):
        keys = [str(k).casefold() for k, _ in value]
        t = next((k for k in TYPE_KEYS if k in keys), None)
        w = next((k for k in WORD_KEYS if k in keys), None)
        if t and w:  # {'E': type, 'W': mention}, maybe several in one object
            types = [v for k, v in value if str(k).casefold() == t]
            words = [v if isinstance(v, list) else [v]
                     for k, v in value if str(k).casefold() == w]  # 'W': ['MT', 'parsing']
            if all(isinstance(x, str) for x in types + sum(words, [])):
                yield from ((t, m) for t, ms in zip(types, words) for m in ms)
                return
        if t and len(value) == 1:  # {'E': type} alone: the rest of an item was cut
            return
        for key, items in value:  # {type: [mentions]}
            plain_list = isinstance(items, (list, tuple)) and not isinstance(items, Items)
            for item in items if plain_list else [items]:
                if isinstance(item, str):
                    yield str(key), item
                elif isinstance(item, (Items, dict)):
                    yield from ((str(key), m) for _, m in _pairs(item, str(key), depth + 1))
    elif isinstance(value, (list, tuple)):
        for item in value:
            if isinstance(item, (Items, dict)):
                yield from _pairs(item, label, depth + 1)
            elif isinstance(item, str) and label is not None:
                yield label, item
            elif isinstance(item, (list, tuple)) and len(item) == 2 and all(
                    isinstance(x, str) for x in item):
                yield item[0], item[1]


def occurrences(text: str, mention: str) -> list[tuple[int, int]]:
    """Where `mention` occurs in `text` as whole words (not inside a longer word, `word` in
    `word_embeddings`, nor inside a number: `5 mm` in `2.5 mm`, `000` in `1,000`): exactly,
    else ignoring case."""
    pattern = (r"(?<!\w)" if mention[0].isalnum() or mention[0] == "_" else "") + \
        (r"(?<!\d[.,])" if mention[0].isdigit() else "") + re.escape(mention) + \
        (r"(?!\w)" if mention[-1].isalnum() or mention[-1] == "_" else "") + \
        (r"(?![.,]\d)" if mention[-1].isdigit() else "")
    for flags in (0, re.I):
        found = [(m.start(), m.end()) for m in re.finditer(pattern, text, flags)]
        if found:
            return found
    return []


def locate(text: str, pairs: list[tuple[str, str]], every: bool = True
           ) -> tuple[list[tuple[int, int, str]], list[tuple[str, str]]]:
    """Spans `(start, end, type)` in `text` for the pairs, and the pairs found nowhere in it.
    Each mention is placed at all its occurrences (`every`) or its first; spans never
    overlap: the longer mention wins (`R` inside `R Core Team` is not an entity of its own)."""
    candidates, missing = [], []
    for t, w in pairs:
        spans = occurrences(text, w)
        if not spans:
            missing.append((t, w))
        candidates += [(s, e, t) for s, e in (spans if every else spans[:1])]
    span = lambda c: (c[0], c[1])  # noqa: E731
    return sorted(select_spans(candidates, span, longest_first(span), "flat")), missing
