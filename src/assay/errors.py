"""Errors that say where: the file, the line or record, and what broke."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class InvalidDocument(ValueError):
    """A Document breaks one of its invariants; the message names the document and the field."""


class RecipeError(ValueError):
    """A training recipe (TOML) is wrong: the message names the key."""


class BackendError(RuntimeError):
    """A language-model server cannot be reached, times out, or answers what cannot be read;
    the message names the URL."""


class FormatError(ValueError):
    """A record in a file cannot be read or written; the message starts with `file:line:`."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.path = None if path is None else str(path)
        self.line = line
        self.reason = message
        where = self.path or "<input>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")


@dataclass
class Problems:
    """How a reader treats a bad record.

    strict (the default) raises the first FormatError; lenient mode skips the bad record
    (the smallest unit: one annotation, one line), keeps the error here and reads on, so that
    nothing is dropped without being counted and reported.
    """

    strict: bool = True
    errors: list[FormatError] = field(default_factory=list)
    #: what was read as written but may not be meant (an annotation given twice), never raised
    notes: list[FormatError] = field(default_factory=list)

    def note(self, error: FormatError) -> None:
        self.notes.append(error)

    def report(self, error: FormatError) -> None:
        if self.strict:
            raise error
        self.errors.append(error)

    def summary(self, most: int = 5) -> str:
        if not self.errors:
            return "no problems"
        lines = [f"{len(self.errors)} problem(s), each record skipped unless its line says "
                 "how it was read:"]
        lines += [f"  {e}" for e in self.errors[:most]]
        if len(self.errors) > most:
            lines.append(f"  ... and {len(self.errors) - most} more")
        return "\n".join(lines)
