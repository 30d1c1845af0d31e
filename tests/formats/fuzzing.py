"""Damaged copies of the fixture files, and what each reader makes of them: the documents
(read), a FormatError (a clear error), or anything else (a defect). Used by the default suite
(a few hundred cases) and by bench/fuzz_formats.py (thousands)."""
from __future__ import annotations

import random
import shutil
from pathlib import Path

from assay import formats
from assay.errors import FormatError, Problems
from tests.fixtures import write_fixture

OUTCOMES = ("read", "clear error", "other exception")


def damaged_file(fmt: str, folder: Path) -> Path:
    """The one file of `fmt`'s fixture that a mutation changes (somd: entities; brat: .ann;
    measeval: .tsv)."""
    path = write_fixture(fmt, folder)
    if fmt == "somd":
        return path.with_name("train_entities.txt")
    if fmt == "brat":
        return path / "p1.ann"
    if fmt == "measeval":
        return path / "tsv" / "P1.tsv"
    return path


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One random damage: cut short, bytes flipped, inserted or deleted, lines dropped,
    repeated or swapped, or random bytes."""
    kind = rng.randrange(7)
    n = len(data)
    if kind == 0:
        return data[:rng.randrange(n + 1)]
    if kind == 1:
        out = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            out[rng.randrange(n)] = rng.randrange(256)
        return bytes(out)
    if kind == 2:
        at = rng.randrange(n + 1)
        return data[:at] + rng.choice([b"\t", b"\n", b" ", b"{", b"]", b'"', b"-1", b"\xff",
                                       b"\xef\xbb\xbf", b"|", b";", b"0"]) + data[at:]
    if kind == 3:
        at = rng.randrange(n)
        return data[:at] + data[at + rng.randint(1, 8):]
    lines = data.split(b"\n")
    k = rng.randrange(len(lines))
    if kind == 4:
        del lines[k]
    elif kind == 5:
        lines.insert(k, lines[k])
    elif kind == 6 and len(lines) > 1:
        j = rng.randrange(len(lines))
        lines[k], lines[j] = lines[j], lines[k]
    return b"\n".join(lines)


def outcome(fmt: str, source: Path, lenient: bool) -> tuple[str, str]:
    """(what reading `source` gave, the message of an unexpected exception or '')."""
    try:
        for doc in formats.read(source, fmt, Problems(strict=not lenient)):
            doc.validate()
    except FormatError:
        return "clear error", ""
    except Exception as err:  # the defect this counts
        return "other exception", f"{type(err).__name__}: {err}"
    return "read", ""


def fuzz(fmt: str, folder: Path, examples: int, seed: int) -> dict[str, dict]:
    """Outcomes of `examples` damaged copies of `fmt`'s fixture, read strictly and leniently."""
    rng = random.Random(seed)
    clean = folder / "clean"
    target = damaged_file(fmt, clean)
    original = target.read_bytes()
    tally: dict[str, dict] = {mode: {o: 0 for o in OUTCOMES} | {"examples": []}
                              for mode in ("strict", "lenient")}
    for _ in range(examples):
        target.write_bytes(mutate(original, rng))
        for mode in tally:
            what, message = outcome(fmt, write_path(fmt, clean), mode == "lenient")
            tally[mode][what] += 1
            if message and len(tally[mode]["examples"]) < 3:
                tally[mode]["examples"].append(message[:200])
    shutil.rmtree(clean)
    return tally


def write_path(fmt: str, folder: Path) -> Path:
    """The path a reader of `fmt` takes for the fixture in `folder`."""
    return {"somd": folder / "train", "brat": folder, "measeval": folder}.get(fmt) or next(
        p for p in folder.iterdir() if p.is_file())
