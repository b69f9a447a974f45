"""Releases are safe: only a fully tested build is released, a failed build leaves the previous release as it
was, an unchanged rebuild releases identical files, and a locked database gets a clear message."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import SOLSTICE, solstice


def release_digest(release: Path) -> dict:
    """Digest of every released table file (the manifest's build time excluded)."""
    return {str(p.relative_to(release)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(release.rglob("*")) if p.is_file() and p.name != "manifest.json"}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, dev_release):
    """A copy (not links: the tests rewrite raw files) of the session's released dev pack. The tests below run in
    file order: the unchanged rebuild first, then the ones that leave the build failed or interrupted."""
    workdir = tmp_path_factory.mktemp("safe") / "work"
    shutil.copytree(dev_release[0], workdir)
    return workdir


def test_an_unchanged_rebuild_releases_identical_files(workdir, root):
    before = release_digest(workdir / "release" / "dev")
    for step in (["build", "--pack", "dev"], ["release", "--pack", "dev"]):
        result = solstice(step, workdir, root)
        assert result.returncode == 0, result.stderr[-3000:]
    assert release_digest(workdir / "release" / "dev") == before


def test_a_failed_build_is_not_released_and_the_previous_release_stays(workdir, root):
    release = workdir / "release" / "dev"
    before = release_digest(release)
    part = sorted((workdir / "data" / "raw" / "dev" / "fleet" / "telemetry_hourly").rglob("*.parquet"))[0]
    original = part.read_bytes()
    table = pq.read_table(part)
    loads = table.column("load_kwh").to_pylist()
    loads[10] += 3.0  # consumption that came from nowhere: the energy balance test must fail
    pq.write_table(table.set_column(table.schema.get_field_index("load_kwh"), "load_kwh",
                                    pa.array(loads, pa.float32())), part)
    try:
        failed = solstice(["build", "--pack", "dev"], workdir, root)
        assert failed.returncode == 2
        assert "FAIL 1 assert_daily_energy_balances" in failed.stdout
        assert "dbt build" in failed.stderr and "failed" in failed.stderr
        refused = solstice(["release", "--pack", "dev"], workdir, root)
        assert refused.returncode == 2
        assert "did not complete with every test passing" in refused.stderr
        assert release_digest(release) == before
    finally:
        part.write_bytes(original)


def test_a_locked_database_gets_a_clear_message(workdir, root):
    db = workdir / "data" / "solstice_dev.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time\n"
                               f"con = duckdb.connect({str(db)!r}); print('held', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        result = solstice(["build", "--pack", "dev"], workdir, root)
        assert result.returncode == 2
        assert f"{db} is in use by another process" in result.stderr
        assert f"PID {holder.pid}" in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)


def test_an_interrupted_build_is_not_released(workdir, root):
    release = workdir / "release" / "dev"
    before = release_digest(release)
    env = {**os.environ, "SOLSTICE_WORKDIR": str(workdir)}
    build = subprocess.Popen([str(SOLSTICE), "build", "--pack", "dev"], cwd=root, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in build.stdout:  # stop it once dbt is building models
        if "START sql" in line:
            break
    build.send_signal(signal.SIGTERM)  # what a job runner sends; Ctrl-C takes the same path
    build.communicate(timeout=120)
    refused = solstice(["release", "--pack", "dev"], workdir, root)
    assert refused.returncode == 2 and "did not complete with every test passing" in refused.stderr
    assert release_digest(release) == before


def test_an_interrupted_generation_leaves_nothing_behind(tmp_path, root):
    env = {**os.environ, "SOLSTICE_WORKDIR": str(tmp_path)}
    generate = subprocess.Popen([str(SOLSTICE), "generate", "--pack", "mvp", "--jobs", "1"], cwd=root, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in generate.stdout:  # interrupt once the first batch of households is being simulated
        if "weather for" in line:
            break
    generate.send_signal(signal.SIGTERM)
    output, _ = generate.communicate(timeout=120)
    assert generate.returncode == 130, output[-3000:]
    assert "interrupted; nothing partial was kept" in output
    raw = tmp_path / "data" / "raw"
    assert list(raw.iterdir()) == []  # neither the pack nor its staging folder


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the dropped exception, on purpose
def test_a_stop_dropped_by_a_finalizer_is_honoured_at_the_next_progress_line(monkeypatch):
    """Python drops an exception raised while a `__del__` runs: a SIGTERM that lands there must still stop the
    work (at the next progress line) instead of letting it run on and publish."""
    from solstice import errors
    from solstice.generate import log

    monkeypatch.setattr(errors, "_stop_requested", False)

    class Finalized:
        def __del__(self):
            errors.request_stop(signal.SIGTERM, None)

    Finalized()  # the KeyboardInterrupt raised in __del__ is printed as ignored, and dropped
    with pytest.raises(KeyboardInterrupt):
        log("households 400/5,000 (batch 2/25)")
