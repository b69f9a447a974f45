"""The SQL is linted (`make lint`: sqlfluff with the dbt templater over models, singular tests and analyses),
as one test of the suite so that it runs beside the others instead of before them."""

from __future__ import annotations

import subprocess


def test_the_sql_passes_the_linter(root):
    result = subprocess.run(["make", "--no-print-directory", "lint"], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, "sqlfluff found problems (`make fix` tidies most):\n" + result.stdout[-6000:]
