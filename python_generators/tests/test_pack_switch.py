"""One switch picks the pack for dbt (SOLSTICE_PACK names the raw folder and the database); a dbt run whose raw
pack is missing, or is not the pack its database is named after, stops before building with the fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DBT = Path(sys.executable).parent / "dbt"


def dbt_build(root: Path, tmp_path: Path, env: dict, *extra: str) -> subprocess.CompletedProcess:
    inherited = {k: v for k, v in os.environ.items() if k not in ("SOLSTICE_DB", "SOLSTICE_PACK", "DBT_PROJECT_DIR")}
    environment = {**inherited, "DBT_PROFILES_DIR": str(root), "DBT_TARGET_PATH": str(tmp_path / "target"),
                   "DBT_LOG_PATH": str(tmp_path / "logs"), **env}
    return subprocess.run([str(DBT), "build", "--select", "stg_pack__manifests", "--project-dir", str(root), *extra],
                          cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=600)


def test_a_missing_pack_says_what_to_run(root, tmp_path):
    (tmp_path / "data").mkdir()  # as in a fresh clone: data/ ships empty
    result = dbt_build(root, tmp_path, {"SOLSTICE_PACK": "nopack", "DBT_PROJECT_DIR": str(tmp_path),
                                        "SOLSTICE_DB": str(tmp_path / "data" / "solstice_nopack.duckdb")})
    assert result.returncode != 0
    assert f"no generated pack at {tmp_path}/data/raw/nopack" in result.stdout
    assert "`make pack PACK=<name>`" in result.stdout and "export SOLSTICE_PACK=<name>" in result.stdout


def test_a_raw_pack_and_database_that_disagree_are_refused(root, dev_raw, tmp_path):
    result = dbt_build(root, tmp_path, {"SOLSTICE_DB": str(tmp_path / "solstice_mvp.duckdb")},
                       "--vars", f"{{raw_root: {dev_raw}}}")
    assert result.returncode != 0
    assert "is pack dev, but the database is" in result.stdout
    assert "export SOLSTICE_PACK=dev" in result.stdout


def test_the_switch_names_both_paths(root, dev_raw, tmp_path):
    # SOLSTICE_PACK=dev under a project folder holding data/raw/dev: builds into data/solstice_dev.duckdb there.
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "dev").symlink_to(dev_raw)
    result = dbt_build(root, tmp_path, {"SOLSTICE_PACK": "dev", "DBT_PROJECT_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stdout[-3000:]
    assert (tmp_path / "data" / "solstice_dev.duckdb").exists()
