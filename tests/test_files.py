"""Atomic writes: the old file or the new one, never a part; no temp file left."""

from __future__ import annotations

import os
import stat

import pytest

from briefgen.files import write_atomic


@pytest.mark.parametrize("data", ["näive text\n", b"%PDF-1.7 bytes\n"], ids=["text", "bytes"])
def test_files_write_atomic_writes_and_leaves_no_temp(tmp_path, data):
    target = tmp_path / "sub" / "bo.yaml"  # the directory is created
    write_atomic(target, data)
    expected = data.encode("utf-8") if isinstance(data, str) else data
    assert target.read_bytes() == expected
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["bo.yaml"]


def test_files_write_atomic_failure_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "bo.html"
    target.write_bytes(b"old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, "new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["bo.html"]
