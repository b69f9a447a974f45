"""The generator on Apache Spark: the pack's household batches simulated as Spark tasks.

`solstice generate --spark [MASTER]` runs the same code as a local run. The driver (this process) builds the
shared world once - population, weather, market prices, outages, programme calls - and writes the shared feeds
once; each household batch (`--batch-size` homes) is then one Spark task, which simulates its homes hour by hour
and writes that batch's telemetry parts (`fleet/telemetry_hourly/month=YYYY-MM/part-BBBBB.parquet`) itself.
The task returns only the small per-home results (churn and renewal days, tickets, dispatch responses); the
driver writes the entity exports and `_pack.json` from them, exactly as a local run does. So the pack is
byte-identical to a local one with the same options (tested on the dev pack), and a batch that Spark retries
writes the same files again.

Why batches and not `--shard I/N` processes: a shard recomputes the shared world and writes its own copy of
every entity table, which then has to be concatenated and rewritten; a batch is already the unit the local
worker pool simulates, so the Spark run writes the very files a local run writes. (`--shard` still works with
`--spark`: the shard's batches become the tasks.)

On a real cluster (untested here, only `local[N]` masters were run):
  * the output folder must be one every executor and the driver see at the same path - a shared POSIX mount
    (NFS, EFS, Databricks `/dbfs/` or a Unity Catalog volume). The generator writes through the file system
    and swaps the finished pack in with a rename, so `s3://` or `gs://` URLs are not supported;
  * the executors need this package installed in their Python (same version: the driver pickles the built
    world and the tasks unpickle it), e.g. a wheel in the cluster's libraries or `--py-files` plus the
    pinned dependencies (numpy, pandas, pyarrow, pvlib);
  * `--spark yarn` / `spark://host:7077` / `k8s://...` need the usual Spark client settings (HADOOP_CONF_DIR,
    container image, ...); under `spark-submit` or in a notebook the active session is used and left running.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .errors import SolsticeError

DEFAULT_MASTER = "local[*]"


class SparkUnavailable(SolsticeError):
    """Spark cannot run here: pyspark or Java is missing, or the session did not start."""


def _java_problem() -> str | None:
    """Why Spark's JVM cannot start here, or None. PySpark runs $JAVA_HOME/bin/java, else `java` on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home:
        java = Path(home) / "bin" / "java"
        if not java.is_file():
            return (f"JAVA_HOME={home} has no bin/java. Install Java 17 (e.g. apt-get install openjdk-17-jre-headless) "
                    "and point JAVA_HOME at it, or unset JAVA_HOME to use the `java` on PATH.")
        return None
    if shutil.which("java") is None:
        return ("Java is not installed (no `java` on PATH and no JAVA_HOME); Spark needs Java 17. "
                "Install it (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME.")
    return None


@contextlib.contextmanager
def spark_session(master: str = DEFAULT_MASTER):
    """A Spark session for the generator: the active one when there is one (spark-submit, a notebook; left
    running), else a new one on `master`, stopped at the end. The new session has no Hive metastore (plain
    RDDs need none) and points spark-warehouse/ and derby.log into a temporary folder, never the working
    directory (Spark's block files go to the system temporary folder)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailable(f"pyspark is not installed in this Python ({sys.executable}: {exc}). Run `make install` "
                               "(it pins pyspark 4.0.5) or `pip install pyspark==4.0.5`.") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    problem = _java_problem()
    if problem:
        raise SparkUnavailable(f"cannot start Spark: {problem}")
    scratch = Path(tempfile.mkdtemp(prefix="solstice-spark-"))
    builder = (SparkSession.builder.master(master).appName("solstice-generate")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.warehouse.dir", str(scratch / "spark-warehouse"))
               .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={scratch}"))
    # Local workers run this Python (this venv, where solstice is installed); PySpark reads PYSPARK_PYTHON
    # once, when the context starts (the spark.pyspark.python setting is honoured by spark-submit only).
    own_python = master.startswith("local") and not os.environ.get("PYSPARK_PYTHON")
    if own_python:
        os.environ["PYSPARK_PYTHON"] = sys.executable
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # the JVM did not start or the master is unreachable
        shutil.rmtree(scratch, ignore_errors=True)
        summary = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SparkUnavailable(f"Spark did not start on master {master!r} ({type(exc).__name__}: {summary}). Check "
                               "that Java 17 runs (`java -version`) and the master URL is right; `--spark` alone "
                               f"uses {DEFAULT_MASTER}, this machine's cores.") from None
    finally:
        if own_python:
            del os.environ["PYSPARK_PYTHON"]
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def _simulate_on_executor(state, job):
    """One Spark task: one household batch, simulated and its telemetry written by the same function a local
    worker process runs. `state` is the broadcast (simulator, output folder, part prefix)."""
    from pyspark import TaskContext

    from . import generate as local

    local._set_worker_state(*state.value)  # unpickled once per Python worker, cached by the broadcast
    idx, result, rows = local._simulate_batch(job)
    context = TaskContext.get()
    return idx, result, rows, (context.partitionId() if context else -1, os.getpid())


class SparkBatches:
    """Runs the household batches of one generation as Spark tasks, one task per batch."""

    def __init__(self, session):
        self.session = session

    def run(self, state: tuple, jobs: list) -> list:
        """(idx, result, rows) per batch, in batch order - what the local pool's imap yields."""
        from . import generate as local

        context = self.session.sparkContext
        started = time.perf_counter()
        shared = context.broadcast(state)
        try:
            rdd = context.parallelize(jobs, len(jobs)).map(functools.partial(_simulate_on_executor, shared))
            done = rdd.collect()  # in partition order = batch order
        finally:
            shared.destroy()  # the pickled world, on the driver and the executors
        workers = {pid for _, _, _, (_, pid) in done}
        local.log(f"{len(jobs)} household batches ran as {len({task for _, _, _, (task, _) in done})} Spark tasks "
                  f"in {len(workers)} Python worker process(es) on {context.master} "
                  f"({time.perf_counter() - started:.1f} s; driver process {os.getpid()}, "
                  f"{'not ' if os.getpid() not in workers else ''}among them)")
        return [(idx, result, rows) for idx, result, rows, _ in done]
