"""What every reader and writer shares: opening files, JSON with line numbers, and output
written beside its target and renamed into place only when complete."""
from __future__ import annotations

import json
import os
import re
import shutil
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from assay.doc import Document
from assay.errors import FormatError, InvalidDocument, Problems


BOM = "\ufeff"


def listed_ids(path: str | Path) -> set[str]:
    """The document ids a file lists, one a line (`#` starts a comment)."""
    lines = (line.split("#")[0].strip() for line in read_text(path).splitlines())
    return {line for line in lines if line}


def only_listed(docs: Iterable[Document], ids_file: str | Path) -> list[Document]:
    """The documents whose ids the file lists; every id listed must be among them."""
    ids = listed_ids(ids_file)
    kept = [d for d in docs if d.id in ids]
    missing = ids - {d.id for d in kept}
    if missing:
        raise FormatError(f"lists {len(missing)} document id(s) that the data lacks, e.g. "
                          f"{', '.join(sorted(missing)[:3])}", ids_file)
    return kept


def load_json(path: str | Path) -> Any:
    """Parse a JSON file; a syntax error, a truncated file or a key repeated in one object
    (which JSON parsers resolve by keeping the last, silently) names file and line."""
    text = read_text(path)
    try:
        return json.loads(text, object_pairs_hook=unique_keys)
    except json.JSONDecodeError as err:
        raise FormatError(f"invalid JSON: {err.msg} (column {err.colno})", path, err.lineno) from None
    except RepeatedKey as err:
        raise FormatError(f"key {err.args[0]!r} is repeated in one object: only one of them "
                          "could be read", path) from None


class RepeatedKey(ValueError):
    pass


def unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    """`object_pairs_hook` for json.loads: RepeatedKey for a key given twice in one object."""
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise RepeatedKey(key)
        seen[key] = value
    return seen


def write_json(path: str | Path, data: Any, indent: int | None = None) -> None:
    text = json.dumps(data, indent=indent, ensure_ascii=False) + "\n"
    with replaced(path) as temp:
        temp.write_text(text, encoding="utf-8")


# what str.splitlines ends a line at
LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def read_text(path: str | Path, exact: bool = False) -> str:
    """A UTF-8 file's text, without a byte-order mark if it starts with one and with its line
    ends read as `\n`; `exact`: every character as the file has it (BRAT counts a mark and a
    `\r` as characters of the text its offsets point into)."""
    try:
        with opened(path), open(path, encoding="utf-8", newline="" if exact else None) as f:
            text = f.read()
    except UnicodeDecodeError as err:
        raise FormatError(f"not UTF-8 text ({err.reason} at byte {err.start})", path) from None
    return text[1:] if text.startswith(BOM) and not exact else text


@contextmanager
def opened(path: str | Path) -> Iterator[None]:
    """Reading `path` inside the block: a missing file, a folder or a file that cannot be read
    is a FormatError naming it."""
    try:
        yield
    except FileNotFoundError:
        raise FormatError("no such file", path) from None
    except IsADirectoryError:
        raise FormatError("is a folder; give a file", path) from None
    except PermissionError:
        raise FormatError("cannot be read (permission denied)", path) from None


@contextmanager
def replaced(target: str | Path) -> Iterator[Path]:
    """A temporary path beside `target` to write a file or a folder to: it replaces `target`
    when the block ends, and is removed if the block fails, so that a failed or interrupted
    write leaves whatever was at `target` as it was."""
    target = Path(os.path.abspath(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise FormatError(f"cannot make its folder ({err.strerror or err})", target) from None
    temp = target.with_name(f".{target.name}.tmp")  # a stale one of a killed run goes here
    remove(temp)
    try:
        yield temp
    except BaseException:
        remove(temp)
        raise
    _move(temp, target)


@contextmanager
def replaced_all(targets: Iterable[str | Path]) -> Iterator[list[Path]]:
    """`replaced` for several files written together (nothing replaced unless all are done)."""
    targets = [Path(t) for t in targets]
    for target in targets:  # checked before any is written, so that none is replaced alone
        if target.is_dir():
            raise FormatError("is a folder; give a file name to write", target)
    with ExitStack() as stack:
        yield [stack.enter_context(replaced(t)) for t in targets]


@contextmanager
def filled(folder: str | Path) -> Iterator[Path]:
    """A staging folder to write files (or sub-folders) to, moved into `folder` (made if need
    be) when the block ends, each replacing the file (or the whole sub-folder) of its name;
    other files in `folder` stay. On failure nothing in `folder` changes."""
    folder = Path(os.path.abspath(folder))
    if folder.exists() and not folder.is_dir():
        raise FormatError("is a file; give a folder to write to", folder)
    with replaced(folder.with_name(f".{folder.name}.staged")) as staging:
        staging.mkdir()
        yield staging
        for path in staging.iterdir():
            there = folder / path.name
            if there.exists() and there.is_dir() != path.is_dir():
                kinds = ("folder", "file") if there.is_dir() else ("file", "folder")
                raise FormatError(f"holds a {kinds[0]} {path.name!r} where a {kinds[1]} of "
                                  "that name would go", folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise FormatError(f"cannot be written ({err.strerror or err})", folder) from None
        for path in sorted(staging.iterdir()):
            _move(path, folder / path.name)
        staging.rmdir()


def _move(source: Path, target: Path) -> None:
    """`source` in place of `target`, a file or a folder."""
    if not source.exists():  # nothing to move: `filled` has moved its files already
        return
    try:
        if target.is_dir() and not target.is_symlink():
            if not source.is_dir():
                raise FormatError("is a folder; give a file name to write", target)
            old = target.with_name(f".{target.name}.old")
            remove(old)
            target.rename(old)
            source.rename(target)
            shutil.rmtree(old)
        else:
            os.replace(source, target)
    except FormatError:
        remove(source)
        raise
    except OSError as err:
        remove(source)
        raise FormatError(f"cannot be written ({err.strerror or err})", target) from None


def remove(path: Path) -> None:
    """A file or a folder, if it is there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def checked(doc: Document, problems: Problems, path: str | Path, line: int | None) -> bool:
    """Validate a document a reader built; report a broken invariant as a FormatError."""
    try:
        doc.validate()
        doc.text.encode("utf-8")
    except InvalidDocument as err:
        problems.report(FormatError(str(err), path, line))
        return False
    except UnicodeEncodeError as err:
        problems.report(FormatError(f"document {doc.id!r}: its text holds a lone surrogate "
                                    f"({doc.text[err.start]!a} at character {err.start}), "
                                    "which is no character and UTF-8 cannot hold", path, line))
        return False
    _note_repeats(doc, problems, path, line)
    return True


def _note_repeats(doc: Document, problems: Problems, path: str | Path, line: int | None) -> None:
    """Note each entity or relation that repeats an earlier one exactly (kept as read)."""
    seen: dict = {}
    for e in doc.entities:
        key = ("entity", e.pieces(), e.label)
        if key in seen:
            problems.note(FormatError(f"document {doc.id!r}: entity {e.id} repeats {seen[key]} "
                                      f"(same span and label)", path, line))
        seen.setdefault(key, e.id)
    for r in doc.relations:
        key = ("relation", r.head, r.tail, r.label)
        if key in seen:
            problems.note(FormatError(f"document {doc.id!r}: relation {r.label} {r.head} -> "
                                      f"{r.tail} is given twice", path, line))
        seen.setdefault(key, r.id)


def field(record: dict, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    """`record[key]`, checked to be of `kind`; raises ValueError naming the key and record."""
    if not isinstance(record, dict):
        raise ValueError(f"{where} is a {type(record).__name__}, expected an object")
    if key not in record:
        raise ValueError(f"{where} has no field {key!r}")
    value = record[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise ValueError(f"{where}: field {key!r} is {value!r}, expected {_kind_name(kind)}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def read_json_lines(path: str | Path, problems: Problems,
                    build: Callable[[Any, int], Document]) -> Iterator[Document]:
    """Documents from a JSON-lines file, one `build(record, line number)` a non-blank line,
    read as they are needed (constant memory); a bad line is reported with its number."""
    return json_line_documents(_binary_lines(path), path, problems, build)


def json_line_documents(lines: Iterable[bytes], path: str | Path, problems: Problems,
                        build: Callable[[Any, int], Document], first: int = 1
                        ) -> Iterator[Document]:
    """`read_json_lines` over some lines of `path`, the first of them line number `first`."""
    for number, raw in enumerate(lines, first):
        if number == 1 and raw.startswith(BOM.encode()):
            raw = raw[len(BOM.encode()):]
        if not raw.strip():
            continue
        try:
            doc = build(json.loads(raw.decode("utf-8"), object_pairs_hook=unique_keys), number)
        except UnicodeDecodeError as err:
            problems.report(FormatError(f"not UTF-8 text ({err.reason} at byte {err.start} "
                                        "of the line)", path, number))
            continue
        except json.JSONDecodeError as err:
            problems.report(FormatError(f"invalid JSON: {err.msg} (column {err.colno})", path, number))
            continue
        except RepeatedKey as err:
            problems.report(FormatError(f"key {err.args[0]!r} is repeated in one object: only "
                                        "one of them could be read", path, number))
            continue
        except (ValueError, TypeError) as err:
            problems.report(FormatError(str(err), path, number))
            continue
        if checked(doc, problems, path, number):
            yield doc


def _binary_lines(path: str | Path) -> Iterator[bytes]:
    with opened(path), Path(path).open("rb") as lines:
        yield from lines


def write_json_lines(docs: Iterable[Document], path: str | Path,
                     to_record: Callable[[Document], dict]) -> None:
    with writing(path) as out:
        for doc in docs:
            out.write(json.dumps(to_record(doc), ensure_ascii=False) + "\n")


@contextmanager
def writing(path: str | Path) -> Iterator[Any]:
    """A text file open for writing that replaces `path` when the block ends (see `replaced`)."""
    with replaced(path) as temp:
        try:
            out = temp.open("w", encoding="utf-8")
        except OSError as err:
            raise FormatError(f"cannot be written ({err.strerror or err})", path) from None
        with out:
            yield out


def one_word_labels(doc: Document, path: str | Path | None, format: str) -> None:
    """FormatError for a label with a space, tab or line break: `format` writes labels in
    space-separated columns, where such a label would be read back as something else."""
    labels = [e.label for e in doc.entities] + [r.label for r in doc.relations]
    for label in labels:
        if not is_one_word(label):
            raise FormatError(f"document {doc.id!r}: label {label!r} is not one word, and "
                              f"{format} separates its columns by spaces (jsonl, gutbrainie "
                              "and spert hold any label)", path)


def is_one_word(label: str) -> bool:
    """Whether `label` can stand in a space-separated column (no space, tab or line break)."""
    return bool(label) and not any(c.isspace() for c in label)


def file_stem(doc: Document, path: str | Path, format: str) -> str:
    """The document's id as the stem of the files `format` writes it to, or a FormatError."""
    if not doc.id or any(c in doc.id for c in "/\0") or doc.id in (".", ".."):
        raise FormatError(f"document id {doc.id!r} cannot be a file name ({format} names a "
                          "document's files by its id)", path)
    return doc.id


def unique_ids(docs: Iterable[Document], path: str | Path, format: str) -> Iterator[Document]:
    """`docs`, stopping with a FormatError at the first id seen before: `format` keys its
    documents by id, and a second document with one would overwrite or merge with the first."""
    seen: set[str] = set()
    for doc in docs:
        if doc.id in seen:
            raise FormatError(f"two documents have the id {doc.id!r}, and {format} keys "
                              "documents by id: give them distinct ids", path)
        seen.add(doc.id)
        yield doc
