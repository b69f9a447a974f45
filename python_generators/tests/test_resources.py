"""Disk and memory: a pack too large for the disk is refused before anything is written, with its size and the
fix; a build that ran out of memory or disk says so in words that name the pack, the limit and the setting."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys

import pytest

from conftest import solstice
from solstice.errors import ConfigError, SolsticeError
from solstice.resources import check_disk_for_generate, explain_resource_failure

PACK = {"pack": "huge", "households": 50_000_000, "months": 120}


def test_generate_refuses_a_pack_larger_than_the_free_disk(tmp_path):
    with pytest.raises(ConfigError) as refused:
        check_disk_for_generate(PACK, tmp_path / "raw")
    message = str(refused.value)
    assert "not enough disk to generate pack huge (50,000,000 households x 120 months)" in message
    assert "needs about" in message and "GiB free" in message and "--households" in message


def test_the_cli_refuses_it_before_writing_anything(tmp_path):
    result = solstice(["generate", "--pack", "dev", "--households", "50000000", "--months", "120"], tmp_path)
    assert result.returncode == 2
    assert "not enough disk to generate pack dev" in result.stderr
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").rglob("*.parquet"))


def _run_results(root, message, monkeypatch):
    """A failed build's run_results.json where dbt writes it (DBT_TARGET_PATH); the project's target/ holds an
    earlier build's, which must not be read."""
    for folder, text in (("dbt-target", message), ("target", "Out of Memory Error: an earlier build")):
        (root / folder).mkdir(parents=True)
        (root / folder / "run_results.json").write_text(json.dumps({"results": [
            {"unique_id": "model.solstice.int_household_days_billed", "status": "error", "message": text}]}))
    monkeypatch.setenv("DBT_TARGET_PATH", str(root / "dbt-target"))


def test_out_of_memory_is_explained(tmp_path, monkeypatch):
    monkeypatch.setenv("SOLSTICE_MEMORY_LIMIT", "3GB")
    _run_results(tmp_path, "Out of Memory Error: could not allocate block of size 256.0 KiB (2.7 GiB/2.7 GiB used)",
                 monkeypatch)
    with pytest.raises(SolsticeError) as failed:
        explain_resource_failure(tmp_path, {"pack": "premium", "households": 100000, "months": 36})
    message = str(failed.value)
    assert "int_household_days_billed ran out of memory building pack premium (100,000 households x 36 months)" in message
    assert "limit is 3GB" in message and "SOLSTICE_MEMORY_LIMIT" in message


def test_out_of_disk_is_explained(tmp_path, monkeypatch):
    _run_results(tmp_path, "IO Error: Could not write file \"x.tmp\": No space left on device", monkeypatch)
    with pytest.raises(SolsticeError) as failed:
        explain_resource_failure(tmp_path, {"pack": "premium", "households": 100000, "months": 36})
    assert "ran out of disk building pack premium" in str(failed.value)


def test_other_failures_are_left_to_dbt_output(tmp_path, monkeypatch):
    _run_results(tmp_path, "Binder Error: column x not found", monkeypatch)
    explain_resource_failure(tmp_path, {"pack": "dev", "households": 50, "months": 2})  # no exception


REUSE_SCRIPT = """
import resource, sys
import numpy as np
from solstice.resources import keep_freed_memory

def faults_of_a_second_array():
    np.ones(8 * 2**20).sum()  # 64 MiB, allocated, touched and freed
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    np.ones(8 * 2**20).sum()  # the same size again
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

default = faults_of_a_second_array()
keep_freed_memory()
kept = faults_of_a_second_array()
print(default, kept)
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's allocator only")
def test_freed_arrays_are_reused_instead_of_faulted_in_again():
    """The generator reallocates (hours x homes) arrays all the time: after keep_freed_memory() a freed 64 MiB
    array's memory serves the next one (no page faults), where glibc's default hands it back to the kernel and
    faults 16,384 fresh pages in again."""
    # 4 KiB pages, so faults count pages (numpy asks for huge pages on large arrays otherwise)
    env = {**os.environ, "NUMPY_MADVISE_HUGEPAGE": "0"}
    result = subprocess.run([sys.executable, "-c", REUSE_SCRIPT], capture_output=True, text=True, check=True, env=env)
    default, kept = map(int, result.stdout.split())
    assert default >= 16_000
    assert kept < 1_000


def test_pack_refuses_before_generating_when_the_whole_pack_does_not_fit(tmp_path, monkeypatch):
    """`solstice pack` needs the raw layer, the build and the release at once: a pack whose raw layer fits but
    whose build does not is refused before generation, not after it."""
    import solstice.resources as resources

    premium = {"pack": "premium", "households": 100_000, "months": 36, "sub_daily": True}
    raw_only = resources.home_hours(premium) * resources.RAW_BYTES_PER_HOME_HOUR
    monkeypatch.setattr(resources, "_free", lambda path: int(raw_only * 2))
    resources.check_disk_for_generate(premium, tmp_path / "raw")  # the raw layer alone fits
    with pytest.raises(ConfigError) as refused:
        resources.check_disk_for_pack(premium, tmp_path)
    assert "not enough disk to generate, build and release pack premium (100,000 households x 36 months)" in str(
        refused.value)


def test_each_step_checks_the_disk_it_writes(tmp_path, monkeypatch):
    """`solstice build` needs room for the database and month partitions, not for a release it does not write
    (a build is used through the database and dbt docs too); `solstice release` checks its own room."""
    import solstice.resources as resources

    premium = {"pack": "premium", "households": 100_000, "months": 36, "sub_daily": True}
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "_pack.json").write_text(json.dumps({"config": premium}))
    build = resources.home_hours(premium) * resources.BUILD_BYTES_PER_HOME_HOUR + resources.SPILL_HEADROOM_BYTES
    monkeypatch.setattr(resources, "_free", lambda path: int(build * 1.01))
    resources.check_disk_for_build(tmp_path, "premium", raw)  # the build fits, a release would not
    with pytest.raises(ConfigError) as refused:
        resources.check_disk_for_pack(premium, tmp_path)
    assert "not enough disk to generate, build and release pack premium" in str(refused.value)
    monkeypatch.setattr(resources, "_free", lambda path: int(build * 0.99))
    with pytest.raises(ConfigError) as refused:
        resources.check_disk_for_build(tmp_path, "premium", raw)
    assert "not enough disk to build pack premium" in str(refused.value)
    release = resources.home_hours(premium) * resources.RELEASE_BYTES_PER_HOME_HOUR["none"]
    monkeypatch.setattr(resources, "_free", lambda path: int(release * 0.99))
    with pytest.raises(ConfigError) as refused:
        resources.check_disk_for_release(premium, tmp_path / "release" / "premium")
    assert "not enough disk to release pack premium" in str(refused.value)
    resources.check_disk_for_release(premium, tmp_path / "release" / "premium", "gzip")  # gzip CSV mirrors fit


def test_the_cli_pack_command_refuses_before_writing_anything(tmp_path):
    result = solstice(["pack", "--pack", "dev", "--households", "50000000", "--months", "120"], tmp_path)
    assert result.returncode == 2
    assert "not enough disk to generate, build and release pack dev" in result.stderr
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").rglob("*.parquet"))
