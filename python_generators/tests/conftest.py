"""Shared fixtures: the project root, its reference data, and a dev pack generated once per session."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from solstice.config import resolve_pack
from solstice.generate import generate
from solstice.reference import load_reference

ROOT = Path(__file__).resolve().parents[2]
SOLSTICE = Path(sys.executable).parent / "solstice"


# The files that take longest, longest first: `make test` hands whole files to two pytest-xdist workers in
# collection order (--no-loadscope-reorder), so the long ones start early and the workers finish together.
LONGEST_FIRST = ["test_spark.py", "test_realism.py", "test_safe_releases.py", "test_lint.py",
                 "test_monthly_builds.py", "test_defects.py", "test_source_freshness.py", "test_pack_switch.py"]


def pytest_collection_modifyitems(items):
    rank = {name: position for position, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def solstice(args, workdir: Path, root: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """Runs the `solstice` command with its data, database and release under `workdir` (and `env` on top of
    this process's environment)."""
    env = {**os.environ, **(env or {}), "SOLSTICE_WORKDIR": str(workdir)}
    return subprocess.run([str(SOLSTICE), *args], cwd=root, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="session", autouse=True)
def dbt_target_outside_the_working_copy(tmp_path_factory):
    """Every dbt run the tests start (through `solstice` or directly) writes its target/ and logs/ into a
    temporary folder, so `make test` never rewrites the working copy's target/manifest.json under a docs
    site someone is serving from it. dbt reads DBT_TARGET_PATH and DBT_LOG_PATH; `solstice` passes the
    environment on to dbt and reads the manifest from DBT_TARGET_PATH."""
    scratch = tmp_path_factory.mktemp("dbt")
    (scratch / "session-started").touch()
    names = {"DBT_TARGET_PATH": scratch / "target", "DBT_LOG_PATH": scratch / "logs"}
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update({name: str(path) for name, path in names.items()})
    yield scratch
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def reference():
    return load_reference(ROOT)


@pytest.fixture(scope="session")
def dev_raw(tmp_path_factory, reference) -> Path:
    """The dev pack, generated once into a temporary folder."""
    out = tmp_path_factory.mktemp("packs") / "dev"
    generate(resolve_pack(ROOT, "dev", known_states=reference.states), reference, out, jobs=1)
    return out


@pytest.fixture(scope="session")
def clean_raw(tmp_path_factory, reference) -> Path:
    """The dev pack without feed defects: what the simulated devices actually measured."""
    out = tmp_path_factory.mktemp("packs") / "dev-clean"
    generate(resolve_pack(ROOT, "dev", defect_rate=0, known_states=reference.states), reference, out, jobs=1)
    return out


def _read_telemetry(raw: Path):
    return ds.dataset(raw / "fleet" / "telemetry_hourly", format="parquet", partitioning="hive").to_table().to_pandas()


@pytest.fixture(scope="session")
def read_telemetry():
    """Reads a raw pack's hourly telemetry (all month partitions) into pandas."""
    return _read_telemetry


@pytest.fixture(scope="session")
def dev_release(tmp_path_factory, root, worker_id):
    """`solstice pack --pack dev --sub-daily` run once: (work folder with data/ and release/, the completed
    process). With the sub-daily marts, so their build, tests and release are covered too. dbt's target/ of
    that build is the work folder's dbt-target/.

    Built once for the whole run: the first pytest-xdist worker to ask builds it under a lock, and every worker
    takes its own copy (the tests open its DuckDB file, and a DuckDB file has one writer)."""
    shared = tmp_path_factory.getbasetemp()
    shared = shared.parent if worker_id != "master" else shared
    built, outcome = shared / "dev-release", shared / "dev-release.json"
    with (shared / "dev-release.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not outcome.exists():
            env = {"DBT_TARGET_PATH": str(built / "dbt-target"), "DBT_LOG_PATH": str(built / "dbt-logs")}
            result = solstice(["pack", "--pack", "dev", "--sub-daily"], built, root, env)
            outcome.write_text(json.dumps({"args": result.args, "returncode": result.returncode,
                                           "stdout": result.stdout, "stderr": result.stderr}))
    result = subprocess.CompletedProcess(**json.loads(outcome.read_text()))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    workdir = tmp_path_factory.mktemp("work")
    shutil.copytree(built, workdir, dirs_exist_ok=True)
    return workdir, result
