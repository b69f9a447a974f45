"""The generator on Spark (`solstice generate --spark`): the household batches run as Spark tasks on a local
PySpark session and the pack comes out byte-identical to a local run's - every file, `_pack.json` included.

Byte-identical, not merely row-identical, because a Spark task simulates one household batch with the same
function a local worker process runs and writes the same part file (`part-BBBBB.parquet` per month), while the
driver writes the shared feeds and the entity exports once, from the same rows in the same order.

A Spark session that cannot start fails these tests with its reason (SparkUnavailable); nothing is skipped.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from solstice.config import resolve_pack
from solstice.generate import generate



def digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def active_spark_session():
    from pyspark.sql import SparkSession

    return SparkSession.getActiveSession()


def test_a_spark_run_of_the_dev_pack_writes_the_local_pack_byte_for_byte(tmp_path, root, reference, monkeypatch,
                                                                        capsys):
    """Batches of 10 homes: five Spark tasks on local[2], in Python worker processes other than this one."""
    monkeypatch.chdir(tmp_path)  # where Spark would leave metastore_db/, spark-warehouse/, derby.log
    before = active_spark_session()
    config = resolve_pack(root, "dev", batch_size=10, known_states=reference.states)
    generate(config, reference, tmp_path / "local", jobs=1)
    capsys.readouterr()
    generate(config, reference, tmp_path / "spark", spark="local[2]")
    log = capsys.readouterr().err
    assert "5 household batches ran as 5 Spark tasks" in log, log
    assert "not among them" in log, log  # the batches ran in Spark's Python workers, not in this process
    local, spark = digest(tmp_path / "local"), digest(tmp_path / "spark")
    assert sum(name.startswith("fleet/telemetry_hourly/") for name in local) >= 5  # several batches, really split
    assert sorted(spark) == sorted(local), "the Spark run wrote other files than the local run"
    differing = [name for name in local if spark[name] != local[name]]
    assert not differing, f"files that differ between the local and the Spark run: {differing}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["local", "spark"]  # no Spark leftovers, no .partial
    if before is None:
        assert active_spark_session() is None, "the generator's own Spark session was left running"


def test_the_dev_pack_as_named_comes_out_the_same_in_an_active_spark_session(tmp_path, root, reference, dev_raw,
                                                                           monkeypatch):
    """The pack exactly as `solstice generate --pack dev` writes it (one batch of 50 homes), inside a session
    that already runs (as under spark-submit or in a notebook): used, and left running for its owner."""
    from solstice.spark_generate import spark_session

    monkeypatch.chdir(tmp_path)
    config = resolve_pack(root, "dev", known_states=reference.states)
    with spark_session("local[2]") as session:
        generate(config, reference, tmp_path / "dev", spark="local[2]")
        assert active_spark_session() is session
        assert not session.sparkContext._jsc.sc().isStopped()
    assert digest(tmp_path / "dev") == digest(dev_raw)


BLOCK_PYSPARK = "import sys; sys.modules['pyspark'] = None; "


@pytest.mark.parametrize("missing", ["java", "pyspark"])
def test_without_spark_the_run_names_the_fix_and_writes_nothing(tmp_path, missing):
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "PYSPARK_PYTHON")}
    prelude = ""
    if missing == "java":
        env["PATH"] = str(tmp_path / "no-java-here")
    else:
        prelude = BLOCK_PYSPARK
    code = (prelude + "from solstice.cli import main; "
            f"sys.exit(main(['generate', '--pack', 'dev', '--spark', '--out', {str(tmp_path / 'raw')!r}]))")
    done = subprocess.run([sys.executable, "-c", "import sys; " + code], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr[-3000:]
    expected = {"java": ["Java is not installed", "Java 17", "JAVA_HOME"],
                "pyspark": ["pyspark is not installed", "make install"]}[missing]
    for words in expected:
        assert words in done.stderr, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == [], "a failed Spark run left files behind"
