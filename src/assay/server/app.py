"""The HTTP service: `POST /extract`, `GET /models`, `GET /health`, the page at `/`, and
`POST /read` / `POST /write` (a file in one of assay's formats, to documents and back).

Every error is JSON, `{"error": {"status", "message", ...}}`; a limit's error also names the
limit (`limit`, `allowed`, `got`). The limits (`Limits`) protect the process: a body over
`max_body_bytes` is refused while it is read (413), too many texts or too long a text is 422, a
request past `max_concurrent` in flight is 503, one past `timeout_s` is 504. Texts are never
cut: a text over the limit is refused and says so.
"""
from __future__ import annotations

import asyncio
import io
import json
import tempfile
import time
import zipfile
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from starlette.exceptions import HTTPException

from assay import formats
from assay.doc import Document
from assay.errors import FormatError, InvalidDocument, Problems
from assay.formats.fit import fit
from assay.formats.jsonl import doc_from_dict, doc_to_dict
from assay.pipeline import Pipeline
from assay.server.batching import Batcher, LabelsRefused, labels_key
from assay.server.info import model_info

TEXT = "text"  # /read: a plain-text file is one document


class Limits(BaseModel):
    """What one request may ask of the process; each is a setting of `assay serve`."""

    max_body_bytes: int = Field(5_000_000, ge=1, description="request body size in bytes (413)")
    max_texts: int = Field(64, ge=1, description="texts or documents a request (422)")
    max_chars: int = Field(500_000, ge=1, description="characters a text: a whole paper is "
                           "about 50,000 (422)")
    max_concurrent: int = Field(128, ge=1, description="requests in flight at once (503)")
    timeout_s: float = Field(120.0, gt=0, description="seconds a request may take (504)")
    batch_wait_ms: float = Field(5.0, ge=0, description="how long a batch waits to fill")
    max_batch: int = Field(64, ge=1, description="documents a batch on the model")
    workers: int = Field(1, ge=1, description="batches a model runs at once, a thread each")


class ExtractRequest(BaseModel):
    """One of `text`, `texts` or `documents` (assay's JSON documents: their ids, sections and
    meta are kept, their annotations replaced by the model's)."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = None
    texts: list[str] | None = None
    documents: list[dict[str, Any]] | None = None
    model: str | None = Field(None, description="a served model's name; the first by default")
    labels: list[str] | None = Field(None, description="label-prompted models (span, llm): "
                                     "the entity types to find, seen in training or not")
    descriptions: dict[str, str] | None = Field(None, description="with labels: a gloss a type")

    @model_validator(mode="after")
    def one_input(self) -> "ExtractRequest":
        given = [n for n in ("text", "texts", "documents") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of text, texts or documents"
                             + (f" (got {', '.join(given)})" if given else ""))
        return self


class WriteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    documents: list[dict[str, Any]]


class Refused(Exception):
    """An answer other than 200, said as JSON."""

    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


def over(limit: str, allowed: int | float, got: int | float, what: str, status: int = 422
         ) -> Refused:
    return Refused(status, f"{what}: {got} is over the limit of {allowed} ({limit})",
                   limit=limit, allowed=allowed, got=got)


def error(status: int, message: str, **extra) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message, **extra}},
                        status_code=status)


class Guard:
    """ASGI middleware: refuses a body over the limit while reading it (before the app sees
    any of it) and a request past the number allowed in flight."""

    def __init__(self, app, limits: Limits):
        self.app, self.limits, self.in_flight = app, limits, 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        if self.in_flight >= self.limits.max_concurrent:
            return await error(503, f"requests in flight: {self.in_flight} already, the limit "
                               f"(max_concurrent) is {self.limits.max_concurrent}; retry later",
                               limit="max_concurrent", allowed=self.limits.max_concurrent,
                               got=self.in_flight + 1)(scope, receive, send)
        self.in_flight += 1
        try:
            body, refused = await self._body(scope, receive)
            if refused is not None:
                return await refused(scope, receive, send)
            replayed = False

            async def replay():
                nonlocal replayed
                if replayed:
                    return await receive()
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}

            await self.app(scope, replay, send)
        finally:
            self.in_flight -= 1

    async def _body(self, scope, receive) -> tuple[bytes, JSONResponse | None]:
        allowed = self.limits.max_body_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > allowed:
            return b"", self._too_big(allowed, int(declared))
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"", error(400, "the client left before the body was read")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > allowed:
                return b"", self._too_big(allowed, size)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), None

    @staticmethod
    def _too_big(allowed: int, got: int) -> JSONResponse:
        return error(413, f"request body: {got} bytes is over the limit of {allowed} "
                     "(max_body_bytes)", limit="max_body_bytes", allowed=allowed, got=got)


def create_app(models: dict[str, Pipeline], limits: Limits | None = None,
               folders: dict[str, Path] | None = None) -> FastAPI:
    """The service over loaded models (name → pipeline); `folders` (name → model directory)
    lets `GET /models` show each model's dev scores."""
    if not models:
        raise ValueError("serve needs at least one model")
    limits = limits or Limits()
    batchers = {name: Batcher(nlp, limits.batch_wait_ms, limits.max_batch, limits.workers)
                for name, nlp in models.items()}
    infos = [model_info(name, nlp, (folders or {}).get(name)) for name, nlp in models.items()]

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        for batcher in batchers.values():
            batcher.start()
        yield
        for batcher in batchers.values():
            await batcher.stop()

    app = FastAPI(title="assay", summary="entities and relations in scientific text",
                  lifespan=lifespan, docs_url=None, redoc_url=None)  # their pages load a CDN

    @app.exception_handler(Refused)
    async def refused(request: Request, err: Refused):
        return error(err.status, err.message, **err.extra)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, err: RequestValidationError):  # query parameters
        first = err.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return error(422, f"{where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(Exception)
    async def failed(request: Request, err: Exception):  # a model's failure, still JSON
        return error(500, f"the model failed: {err} ({type(err).__name__})")

    @app.exception_handler(HTTPException)
    async def http(request: Request, err: HTTPException):
        return error(err.status_code, str(err.detail))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page() -> str:
        return resources.files("assay.server").joinpath("page.html").read_text("utf-8")

    @app.get("/health")
    async def health() -> dict:
        return {"status": "ok", "models": list(models),
                "waiting": {n: b.waiting for n, b in batchers.items()},
                "batches": {n: {"batches": b.batches, "documents": b.documents,
                                "model_seconds": round(b.busy, 3), "workers": b.workers}
                            for n, b in batchers.items()}}

    @app.get("/models")
    async def served() -> dict:
        """What each model finds, its labels and its dev scores."""
        return {"models": infos, "limits": limits.model_dump()}

    @app.post("/extract", openapi_extra=json_body(ExtractRequest))
    async def extract(http: Request) -> JSONResponse:
        """Entities and relations in a text, a list of texts, or assay JSON documents."""
        start = time.perf_counter()
        request = await parsed(http, ExtractRequest)
        name = request.model or next(iter(models))
        if name not in models:
            raise Refused(422, f"model: no model {name!r} is served; served: "
                          f"{', '.join(models)}")
        batcher = batchers[name]
        if request.labels is not None and not batcher.prompted:
            raise Refused(422, f"labels: model {name!r} finds the types it was trained on only; "
                          "labels go to label-prompted models")
        if request.labels is not None and not request.labels:
            raise Refused(422, "labels: give at least one entity type")
        if request.descriptions is not None and request.labels is None:
            raise Refused(422, "descriptions: give them with labels")
        docs = _documents(request, limits)
        try:
            found = await asyncio.wait_for(
                batcher.extract(docs, labels_key(request.labels, request.descriptions)),
                limits.timeout_s)
        except LabelsRefused as err:
            raise Refused(422, f"labels: {err}") from None
        except asyncio.TimeoutError:
            raise Refused(504, f"the request took over {limits.timeout_s} s (timeout_s)",
                          limit="timeout_s", allowed=limits.timeout_s) from None
        return JSONResponse({"model": name, "documents": [doc_to_dict(d) for d in found],
                             "seconds": round(time.perf_counter() - start, 4)})

    @app.post("/read")
    async def read(request: Request, format: str = Query(TEXT, description="text, or one of "
                                                         "assay's single-file formats"),
                   name: str = Query("upload", description="the file's name, for messages")
                   ) -> dict:
        """Documents from one uploaded file (the request body, as it is on disk)."""
        if format != TEXT and format not in formats.FORMATS:
            raise Refused(422, f"format: unknown {format!r}; known: {TEXT}, "
                          f"{', '.join(formats.FORMATS)}")
        if format in formats.MULTI_FILE:
            raise Refused(422, f"format: {format} is several files ({formats.MULTI_FILE[format]})"
                          "; upload them as jsonl (assay convert) or one file of another format")
        body = await request.body()
        docs = _read(body, format, name)
        if len(docs) > limits.max_texts:
            raise over("max_texts", limits.max_texts, len(docs), f"{name}: documents")
        return {"documents": [doc_to_dict(d) for d in docs]}

    @app.post("/write", openapi_extra=json_body(WriteRequest))
    async def write(http: Request, format: str = Query("jsonl"),
                    lenient: bool = Query(True, description="leave out what the format cannot "
                                          "hold, and count it (X-Assay-Left-Out)")) -> Response:
        """The documents as a file in one of assay's formats (a zip for somd and brat)."""
        request = await parsed(http, WriteRequest)
        if format not in formats.FORMATS:
            raise Refused(422, f"format: unknown {format!r}; known: {', '.join(formats.FORMATS)}")
        docs = [_document(d, f"documents[{i}]") for i, d in enumerate(request.documents)]
        try:
            docs, lost = fit(docs, format, lenient)
            content, filename = _written(docs, format)
        except FormatError as err:
            raise Refused(422, str(err)) from None
        return Response(content, media_type="application/octet-stream", headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Assay-Left-Out": json.dumps(dict(lost))})

    app.add_middleware(Guard, limits=limits)
    return app


def json_body(model: type[BaseModel]) -> dict:
    """The OpenAPI entry of a JSON body that the endpoint reads itself."""
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": model.model_json_schema()}}}}


async def parsed(http: Request, model: type[BaseModel]):
    """The body read as JSON whatever its Content-Type (`curl -d '{...}'` sends a form's), and
    checked against `model`; a 422 naming the first field at fault."""
    try:
        return model.model_validate_json(await http.body())
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise Refused(422, f"{where + ': ' if where else ''}{message}",
                      errors=json.loads(err.json(include_url=False, include_input=False))
                      ) from None


def _documents(request: ExtractRequest, limits: Limits) -> list[Document]:
    if request.documents is not None:
        docs = [_document(d, f"documents[{i}]") for i, d in enumerate(request.documents)]
        where = "documents"
    else:
        texts = [request.text] if request.text is not None else request.texts
        docs = [Document(id=f"text-{i}", text=t) for i, t in enumerate(texts, 1)]
        where = "text" if request.text is not None else "texts"
    if len(docs) > limits.max_texts:
        raise over("max_texts", limits.max_texts, len(docs), f"{where}: texts in one request")
    for i, doc in enumerate(docs):
        if len(doc.text) > limits.max_chars:
            at = where if request.text is not None else f"{where}[{i}]"
            raise over("max_chars", limits.max_chars, len(doc.text), f"{at}: characters")
    return docs


def _document(data: dict[str, Any], where: str) -> Document:
    try:
        return doc_from_dict(data).validate()
    except (FormatError, InvalidDocument, KeyError, TypeError, ValueError) as err:
        raise Refused(422, f"{where}: {err}") from None


def _read(body: bytes, format: str, name: str) -> list[Document]:
    if format == TEXT:
        try:
            return [Document(id=Path(name).stem or "upload", text=body.decode("utf-8-sig"))]
        except UnicodeDecodeError as err:
            raise Refused(422, f"{name}: not UTF-8 text (byte {err.start})") from None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(name).name.strip(".") and Path(name).name or "upload")
        try:
            path.write_bytes(body)
        except (OSError, ValueError) as err:  # too long, a NUL byte: the name, not the file
            raise Refused(422, f"name: {name[:80]!r} cannot be a file name "
                          f"({type(err).__name__})") from None
        try:
            return list(formats.read(path, format, Problems(strict=True)))
        except FormatError as err:
            raise Refused(422, str(err).replace(str(path), name)) from None


def _written(docs: list[Document], format: str) -> tuple[bytes, str]:
    """The bytes of `docs` written in `format`, and a file name for them."""
    with tempfile.TemporaryDirectory() as folder:
        if format not in formats.MULTI_FILE:
            path = Path(folder) / f"documents.{format}"
            formats.write(docs, path, format)
            return path.read_bytes(), path.name
        target = Path(folder) / "documents"
        formats.write(docs, target, format)
        packed = io.BytesIO()
        with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(folder).rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(folder).as_posix())
        return packed.getvalue(), f"documents-{format}.zip"
