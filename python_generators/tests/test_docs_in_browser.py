"""The dbt docs of a built pack, generated and served the way a user does (`dbt docs generate`, `dbt docs serve`)
and loaded in headless Chromium: the overview page and a mart's page must render, with every column of the
mart. A screenshot of the mart's page is kept in test-artifacts/ for people to look at."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from schema_contract import SCHEMA

DBT = Path(sys.executable).parent / "dbt"
MART = "billing_and_savings"
# Chromium on a machine with no internet: without the background-networking flags it keeps trying (and
# failing) to reach Google's services. A fresh profile per run keeps runs independent.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--hide-scrollbars"]


def ensure_chromium() -> str:
    """The test needs a browser: install Debian's chromium when it is missing, and fail (never skip) if that
    cannot be done."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        done = subprocess.run(sudo + step, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            pytest.fail(f"Chromium is needed for the docs test and `{' '.join(step)}` failed "
                        f"(exit {done.returncode}): {done.stderr[-1500:]}\nInstall it with "
                        "`sudo apt-get install chromium` and run the tests again.")
    found = shutil.which("chromium")
    if not found:
        pytest.fail("`apt-get install chromium` finished but no chromium command is on PATH.")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def docs_target(dev_release, root, tmp_path_factory) -> Path:
    """`dbt docs generate` over the built dev pack: manifest.json, catalog.json and the site."""
    workdir, _ = dev_release
    target = tmp_path_factory.mktemp("docs") / "target"
    env = {**os.environ, "SOLSTICE_DB": str(workdir / "data" / "solstice_dev.duckdb"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    vars_ = json.dumps({"raw_root": str(workdir / "data" / "raw" / "dev")})
    generated = subprocess.run([str(DBT), "docs", "generate", "--vars", vars_, "--target-path", str(target),
                                "--profiles-dir", str(root)], cwd=root, env=env, capture_output=True, text=True)
    assert generated.returncode == 0, generated.stdout[-3000:]
    return target


@pytest.fixture(scope="module")
def docs_site(docs_target, root):
    """The docs served by `dbt docs serve` on a free localhost port."""
    target = docs_target
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    port = free_port()
    server = subprocess.Popen([str(DBT), "docs", "serve", "--port", str(port), "--host", "127.0.0.1",
                               "--no-browser", "--target-path", str(target), "--profiles-dir", str(root)],
                              cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "catalog.json", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"`dbt docs serve` did not start: {server.stdout.read()[-2000:]}")
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def render(chromium: str, url: str, tmp_path: Path, screenshot: Path | None = None) -> str:
    """The page's DOM after its scripts ran (dbt docs is a single-page app that fetches the manifest)."""
    flags = [*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=20000"]
    if screenshot:
        shot = subprocess.run([chromium, *flags, "--window-size=1400,1800", f"--screenshot={screenshot}", url],
                              capture_output=True, text=True, timeout=120)
        assert shot.returncode == 0 and screenshot.exists(), shot.stderr[-2000:]
    dom = subprocess.run([chromium, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    return dom.stdout


def test_the_overview_page_renders(docs_site, tmp_path):
    dom = render(ensure_chromium(), docs_site + "#!/overview", tmp_path)
    # Rendered from the __overview__ doc block's markdown, not just present in the fetched manifest.
    assert re.search(r'<h1[^>]*>\s*Solstice Residential Energy Simulation Pack\s*</h1>', dom)
    assert '<h2 id="how-to-change-it">How to change it</h2>' in dom
    assert "int_household_days_billed" in dom


def test_a_mart_page_renders_with_its_columns(docs_site, tmp_path, root):
    artifacts = root / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    screenshot = artifacts / f"docs_{MART}.png"
    screenshot.unlink(missing_ok=True)
    dom = render(ensure_chromium(), docs_site + f"#!/model/model.solstice.{MART}", tmp_path, screenshot)
    rendered_columns = re.findall(r'class="column-row[^"]*".*?<span class="text-dark ng-binding">(\w+)</span>',
                                  dom, flags=re.S)
    assert rendered_columns == [name for name, _ in SCHEMA[MART]]
    assert "Monthly economics per contract and local calendar month" in dom  # the model description, rendered
    assert screenshot.stat().st_size > 20_000, "the screenshot is (nearly) blank"


def test_every_model_column_source_seed_and_macro_is_described(docs_target):
    manifest = json.loads((docs_target / "manifest.json").read_text())
    catalog = json.loads((docs_target / "catalog.json").read_text())
    undocumented = []
    nodes = {**manifest["nodes"], **manifest["sources"]}
    for key, node in nodes.items():
        if node["resource_type"] not in ("model", "seed", "source"):
            continue
        if not node.get("description", "").strip():
            undocumented.append(key)
        if node["resource_type"] == "source":  # raw Parquet files: their contract is the declared columns
            columns = list(node["columns"])
        else:
            assert key in catalog["nodes"], f"{key} is missing from the catalog (not built?)"
            columns = list(catalog["nodes"][key]["columns"])
        assert columns, f"{key} has no columns"
        for column in columns:
            if not node["columns"].get(column, {}).get("description", "").strip():
                undocumented.append(f"{key}.{column}")
    for key, macro in manifest["macros"].items():
        if macro["package_name"] == "solstice" and not macro.get("description", "").strip():
            undocumented.append(key)
    assert len([k for k in nodes if nodes[k]["resource_type"] == "model"]) > 40
    assert not undocumented, f"described nowhere: {undocumented}"
