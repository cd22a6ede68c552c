"""Atomic writes keep modes and symlinks."""

from __future__ import annotations

import os

from kspm_lint.fsutil import atomic_write_bytes


def test_write_through_symlink_keeps_the_link(tmp_path):
    target = tmp_path / "base.yaml"
    target.write_text("a: 1\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(target.name)
    atomic_write_bytes(str(link), b"a: 2\n")
    assert link.is_symlink()
    assert target.read_text() == "a: 2\n"


def test_mode_is_kept_and_no_temp_file_left(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\n")
    os.chmod(path, 0o640)
    atomic_write_bytes(str(path), b"a: 2\n")
    assert oct(path.stat().st_mode & 0o777) == "0o640"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.yaml"]


def test_devices_are_written_through_not_replaced():
    before = os.stat("/dev/null")
    atomic_write_bytes("/dev/null", b"discarded")
    after = os.stat("/dev/null")
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
