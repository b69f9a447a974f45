"""Preflight of a raw pack before dbt reads it: every raw table present, every file readable, every
documented column there with a compatible type. Schema drift or a broken file then fails with a message
naming the table, the column and the file, instead of a wrong result or a stack trace deep in a build.

The expected columns are the ones documented in `models/staging/*/_*__sources.yml` (the raw contract).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from .errors import SolsticeError

# dbt data_type in the sources -> test on the Arrow type found in the file.
COMPATIBLE = {
    "varchar": lambda t: pa.types.is_string(t) or pa.types.is_large_string(t)
    or (pa.types.is_dictionary(t) and pa.types.is_string(t.value_type)),
    "double": lambda t: pa.types.is_floating(t) or pa.types.is_integer(t),
    "float": lambda t: pa.types.is_floating(t),
    "integer": lambda t: pa.types.is_integer(t),
    "boolean": pa.types.is_boolean,
    "date": pa.types.is_date,
    "timestamp with time zone": lambda t: pa.types.is_timestamp(t) and t.tz is not None,
}


ARROW_TYPES = {
    "varchar": pa.string(),
    "double": pa.float64(),
    "float": pa.float32(),
    "integer": pa.int32(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "timestamp with time zone": pa.timestamp("us", tz="UTC"),
}


class RawDataError(SolsticeError):
    """A raw table that is missing, unreadable or does not match its documented columns."""


def raw_contract(root: Path) -> dict[str, dict[str, str]]:
    """'source/table' -> {column: data_type} for every Parquet source documented in the staging layer."""
    contract = {}
    for path in sorted((root / "models" / "staging").glob("*/_*__sources.yml")):
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                columns = {c["name"]: c["data_type"] for c in table["columns"] if c.get("data_type") in COMPATIBLE}
                if columns and len(columns) == len(table["columns"]):
                    contract[f"{source['name']}/{table['name']}"] = columns
    return contract


def arrow_schema(columns: dict[str, str]) -> pa.Schema:
    """The Arrow schema the generator writes a raw table with, from its documented columns."""
    return pa.schema([(name, ARROW_TYPES[data_type]) for name, data_type in columns.items()])


def table_files(raw: Path, table: str) -> list[Path]:
    single = raw / f"{table}.parquet"
    if single.is_file():
        return [single]
    return sorted((raw / table).glob("*/*.parquet"))


def check_raw_pack(root: Path, raw: Path) -> None:
    hint = "regenerate the pack with `solstice generate`, or repair the export"
    for table, columns in raw_contract(root).items():
        files = table_files(raw, table)
        if not files:
            raise RawDataError(f"raw table {table} is missing: no {raw / table}.parquet nor partitions under "
                               f"{raw / table}/; {hint}.")
        for file in files:
            try:
                schema = pq.read_schema(file)
            except (pa.ArrowInvalid, OSError) as exc:
                raise RawDataError(f"raw table {table}: file {file} cannot be read as Parquet ({exc}); {hint}.")
            for column, data_type in columns.items():
                if column not in schema.names:
                    raise RawDataError(f"raw table {table}: column {column!r} ({data_type}) is missing from {file}; "
                                       f"{hint}.")
                found = schema.field(column).type
                if not COMPATIBLE[data_type](found):
                    raise RawDataError(f"raw table {table}: column {column!r} should be {data_type} but is {found} "
                                       f"in {file}; {hint}.")
