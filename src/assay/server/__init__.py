"""assay over HTTP: `assay serve` (FastAPI and uvicorn, the `serve` extra). `create_app` builds
the service over loaded models; `app.py` has the endpoints and limits, `batching.py` the queue
that batches concurrent requests on each model, `page.html` the page at `/`."""
