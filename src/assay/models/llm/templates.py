"""The four prompt templates of the paper (its appendix A.6), word for word, and the answer
format each one asks for, which is also what LoRA fine-tuning teaches. (The paper's text of
the general prompt reads "our output format is only ...", a capital lost in typesetting:
EasyInstruct's prompt, which the paper follows, reads "Your output format".)

A prompt is a conversation: a list of `{"role", "content"}` messages that the backend turns
into the model's own chat format. UniNER asks one question per type, so a text gives one
conversation per type there and one in all for the other templates. Few-shot demonstrations
are earlier turns of the same conversation, in the template's own format.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

Template = Literal["iepile", "uninner", "yayi", "general"]
TEMPLATES: tuple[str, ...] = ("iepile", "uninner", "yayi", "general")

Message = dict[str, str]


@dataclass(frozen=True)
class Question:
    """One conversation to send: its messages, and the type it asks for (UniNER) or None
    (every type in one answer)."""

    messages: list[Message]
    label: str | None = None


def _types(labels: list[str], descriptions: dict[str, str]) -> list[str]:
    """Each type as the prompt names it: `name` or `name (description)`."""
    return [f"{t} ({descriptions[t]})" if t in descriptions else t for t in labels]


def _user(template: str, text: str, labels: list[str], descriptions: dict[str, str],
          domain: str) -> str:
    """The first user turn (for UniNER, the text alone)."""
    named = _types(labels, descriptions)
    if template == "iepile":
        return ("You are an expert in named entity recognition. Please extract entities that "
                "match the schema definition from the input. Return an empty list if the entity "
                "type does not exist. Please respond in the format of a JSON string., "
                f"schema: {named}, input: {text}")
    if template == "uninner":
        return f"Text: {text}"
    if template == "yayi":
        return (f"Text: {text}\nFrom the given text, extract all the entities and types. "
                f"Please format the answer in JSON {{{', '.join(named)}: [entities]}}")
    if template == "general":
        return (f"You are a highly intelligent and accurate {domain} domain Named-entity "
                f"recognition(NER) system. You take Passage as input and your task is to "
                f"recognize and extract specific types of {domain} domain named entities in that "
                "given passage and classify into a set of following predefined entity types: "
                f"{named}\n\nYour output format is only [{{'E': type of entity from predefined "
                "entity types, 'W': entity in the input text},...] form, no other form.\n\n"
                f"Input: {text}")
    raise ValueError(f"unknown template {template!r}; known: {', '.join(TEMPLATES)}")


READ = "I've read this text."


def _question(label: str, descriptions: dict[str, str]) -> str:
    return f"What describes {_types([label], descriptions)[0]} in the text?"


def answer(template: str, found: list[tuple[str, str]], labels: list[str],
           label: str | None = None) -> str:
    """The answer the template asks for, given the (type, mention) pairs in text order:
    what fine-tuning targets and a demonstration shows; pairs of types not in `labels` are
    left out. `label`: UniNER's asked type."""
    found = [(t, w) for t, w in found if t in labels]
    if template == "uninner":
        return json.dumps(list(dict.fromkeys(w for t, w in found if t == label)),
                          ensure_ascii=False)
    if template == "general":
        return repr([{"E": t, "W": w} for t, w in dict.fromkeys(found)])
    by_type: dict[str, list[str]] = {t: [] for t in labels} if template == "iepile" else {}
    for t, w in found:
        if w not in by_type.setdefault(t, []):
            by_type[t].append(w)
    return json.dumps(by_type, ensure_ascii=False)


def questions(template: str, text: str, labels: list[str], descriptions: dict[str, str],
              domain: str, shots: list[tuple[str, list[tuple[str, str]]]] = ()
              ) -> list[Question]:
    """The conversations that ask for the entities of `labels` in `text`, each after the
    demonstrations `shots` ((text, its (type, mention) pairs) each)."""
    if template == "uninner":
        made = []
        for label in labels:
            earlier: list[Message] = []
            for shot_text, found in shots:
                earlier += [{"role": "user", "content": f"Text: {shot_text}"},
                            {"role": "assistant", "content": READ},
                            {"role": "user", "content": _question(label, descriptions)},
                            {"role": "assistant", "content": answer(template, found, labels, label)}]
            made.append(Question(earlier + [
                {"role": "user", "content": f"Text: {text}"},
                {"role": "assistant", "content": READ},
                {"role": "user", "content": _question(label, descriptions)}], label))
        return made
    earlier = []
    for shot_text, found in shots:
        earlier += [{"role": "user", "content": _user(template, shot_text, labels, descriptions,
                                                      domain)},
                    {"role": "assistant", "content": answer(template, found, labels)}]
    return [Question(earlier + [{"role": "user", "content": _user(template, text, labels,
                                                                    descriptions, domain)}])]
