"""What a shared task's scorer and its file format share (the task's record structures), so
that `assay.metrics` never imports `assay.formats`: one module a task, imported by both."""
