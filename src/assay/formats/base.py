"""What every reader and writer shares: opening files, JSON with line numbers, output folders."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from assay.doc import Document
from assay.errors import FormatError, InvalidDocument, Problems


def load_json(path: str | Path) -> Any:
    """Parse a JSON file; a syntax error or a truncated file names file and line."""
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise FormatError(f"invalid JSON: {err.msg} (column {err.colno})", path, err.lineno) from None


def write_json(path: str | Path, data: Any, indent: int | None = None) -> None:
    text = json.dumps(data, indent=indent, ensure_ascii=False) + "\n"
    prepare_output(path).write_text(text, encoding="utf-8")


def read_text(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FormatError("no such file", path) from None
    except UnicodeDecodeError as err:
        raise FormatError(f"not UTF-8 text ({err.reason} at byte {err.start})", path) from None


def prepare_output(path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def checked(doc: Document, problems: Problems, path: str | Path, line: int | None) -> bool:
    """Validate a document a reader built; report a broken invariant as a FormatError."""
    try:
        doc.validate()
    except InvalidDocument as err:
        problems.report(FormatError(str(err), path, line))
        return False
    return True


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
    for number, raw in enumerate(_binary_lines(path), 1):
        if not raw.strip():
            continue
        try:
            doc = build(json.loads(raw.decode("utf-8")), number)
        except UnicodeDecodeError as err:
            problems.report(FormatError(f"not UTF-8 text ({err.reason} at byte {err.start} "
                                        "of the line)", path, number))
            continue
        except json.JSONDecodeError as err:
            problems.report(FormatError(f"invalid JSON: {err.msg} (column {err.colno})", path, number))
            continue
        except (ValueError, TypeError) as err:
            problems.report(FormatError(str(err), path, number))
            continue
        if checked(doc, problems, path, number):
            yield doc


def _binary_lines(path: str | Path) -> Iterator[bytes]:
    try:
        with Path(path).open("rb") as lines:
            yield from lines
    except FileNotFoundError:
        raise FormatError("no such file", path) from None


def write_json_lines(docs: Iterable[Document], path: str | Path,
                     to_record: Callable[[Document], dict]) -> None:
    with prepare_output(path).open("w", encoding="utf-8") as out:
        for doc in docs:
            out.write(json.dumps(to_record(doc), ensure_ascii=False) + "\n")
