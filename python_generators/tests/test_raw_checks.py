"""Schema drift and broken raw files fail the build with a message naming the table and the column."""

from __future__ import annotations

import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from solstice.cli import main


@pytest.fixture
def raw_copy(tmp_path, dev_raw):
    target = tmp_path / "raw" / "dev"
    shutil.copytree(dev_raw, target)
    return target


def build(raw, capsys):
    code = main(["build", "--pack", "dev", "--raw", str(raw)])
    return code, capsys.readouterr().err


def rewrite(path, change):
    pq.write_table(change(pq.read_table(path)), path)


def test_a_missing_column_is_named(raw_copy, capsys):
    rewrite(raw_copy / "crm" / "households.parquet", lambda t: t.drop_columns(["tariff_id"]))
    code, err = build(raw_copy, capsys)
    assert code == 2
    assert "raw table crm/households: column 'tariff_id' (varchar) is missing" in err
    assert "Traceback" not in err


def test_a_wrongly_typed_column_is_named(raw_copy, capsys):
    part = sorted((raw_copy / "fleet" / "telemetry_hourly").rglob("*.parquet"))[-1]
    rewrite(part, lambda t: t.set_column(t.schema.get_field_index("solar_kwh"), "solar_kwh",
                                         pa.array([str(v) for v in t.column("solar_kwh").to_pylist()])))
    code, err = build(raw_copy, capsys)
    assert code == 2
    assert "raw table fleet/telemetry_hourly: column 'solar_kwh' should be float but is string" in err
    assert str(part) in err


def test_an_unreadable_file_is_named(raw_copy, capsys):
    path = raw_copy / "support" / "service_tickets.parquet"
    path.write_bytes(path.read_bytes()[:100])  # a truncated upload
    code, err = build(raw_copy, capsys)
    assert code == 2
    assert f"raw table support/service_tickets: file {path} cannot be read as Parquet" in err


def test_a_missing_table_is_named(raw_copy, capsys):
    (raw_copy / "vpp" / "dispatch_calls.parquet").unlink()
    code, err = build(raw_copy, capsys)
    assert code == 2
    assert "raw table vpp/dispatch_calls is missing" in err


def test_a_tiny_pack_still_matches_the_contract(tmp_path, root, reference):
    # One household: most entity tables are empty or all-null, yet every column keeps its documented type.
    from solstice.config import resolve_pack
    from solstice.generate import generate
    from solstice.validate import check_raw_pack

    out = tmp_path / "one"
    generate(resolve_pack(root, "dev", households=1, known_states=reference.states), reference, out)
    check_raw_pack(root, out)
