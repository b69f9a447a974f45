"""Bad configuration is rejected with a message that names the problem, exit code 2, no traceback,
and nothing left behind."""

from __future__ import annotations

import json
import shutil

import pytest

from solstice.cli import main


def run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--households", "0"], "--households must be at least 1"),
        (["--households", "-5"], "--households must be at least 1"),
        (["--households", "many"], "--households must be a whole number"),
        (["--months", "0"], "--months must be at least 1"),
        (["--months", "2.5"], "--months must be a whole number"),
        (["--start", "2025-13"], "--start must be a month as YYYY-MM"),
        (["--start", "Jan 2025"], "--start must be a month as YYYY-MM"),
        (["--states", "CA,ZZ"], "unknown state(s) ZZ"),
        (["--pack", "huge"], "unknown pack 'huge'"),
        (["--seed", "-1"], "--seed must be at least 0"),
        (["--shard", "3/2"], "--shard must be I/N"),
    ],
)
def test_bad_generate_arguments_are_rejected(tmp_path, capsys, args, expected):
    out = tmp_path / "pack"
    code, err = run(["generate", "--pack", "dev", *args, "--out", str(out)], capsys)
    assert code == 2
    assert expected in err
    assert "Traceback" not in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no staging folder left either


def test_output_holding_another_pack_is_refused(tmp_path, capsys):
    out = tmp_path / "pack"
    out.mkdir()
    (out / "_pack.json").write_text(json.dumps({"config": {"pack": "mvp"}}))
    code, err = run(["generate", "--pack", "dev", "--out", str(out)], capsys)
    assert code == 2
    assert "already holds the 'mvp' pack" in err
    assert json.loads((out / "_pack.json").read_text())["config"]["pack"] == "mvp"  # untouched


def test_non_empty_foreign_folder_is_refused(tmp_path, capsys):
    out = tmp_path / "pack"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    code, err = run(["generate", "--pack", "dev", "--out", str(out)], capsys)
    assert code == 2
    assert "not empty and holds no Solstice pack" in err
    assert (out / "notes.txt").read_text() == "mine"


def test_output_under_a_file_is_refused(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, err = run(["generate", "--pack", "dev", "--out", str(blocker / "pack")], capsys)
    assert code == 2
    assert "choose a writable --out folder" in err


@pytest.fixture
def project_copy(tmp_path, monkeypatch, root):
    """A throwaway copy of the project's configuration and seeds, as the working directory."""
    for name in ("dbt_project.yml", "packs.yml"):
        shutil.copy(root / name, tmp_path / name)
    shutil.copytree(root / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _edit_line(path, line_number, old, new):
    lines = path.read_text().splitlines()
    assert old in lines[line_number - 1]
    lines[line_number - 1] = lines[line_number - 1].replace(old, new, 1)
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    ("seed", "line", "old", "new", "expected"),
    [
        ("utility_tariff_plans", 4, ",16,21,", ",sixteen,21,",
         "utility_tariff_plans.csv, line 4: column 'peak_start_hour' must be a number"),
        ("utility_tariff_plans", 2, ",tou,", ",weird_tou,", "line 2: tariff_type 'weird_tou' is not one of"),
        ("territories", 3, ",coastal,", ",", "line 3 has 20 values but the header has 21 columns"),
        ("vpp_programs", 2, ",prior_days,", ",,", "line 2: column 'baseline_method' is empty"),
    ],
)
def test_malformed_reference_csv_is_named(project_copy, capsys, seed, line, old, new, expected):
    _edit_line(project_copy / "seeds" / f"{seed}.csv", line, old, new)
    code, err = run(["generate", "--pack", "dev", "--out", str(project_copy / "out")], capsys)
    assert code == 2
    assert expected in err and f"seeds/{seed}.csv" in err
    assert "Traceback" not in err
    assert not (project_copy / "out").exists()


def test_missing_reference_csv_is_named(project_copy, capsys):
    (project_copy / "seeds" / "battery_models.csv").unlink()
    code, err = run(["generate", "--pack", "dev", "--out", str(project_copy / "out")], capsys)
    assert code == 2
    assert "battery_models.csv is missing" in err and "git checkout seeds/battery_models.csv" in err


def test_malformed_packs_file_is_named(project_copy, capsys):
    (project_copy / "packs.yml").write_text("packs: [unclosed\n")
    code, err = run(["generate", "--pack", "dev", "--out", str(project_copy / "out")], capsys)
    assert code == 2
    assert "packs.yml is not valid YAML" in err


def test_build_without_a_generated_pack_says_what_to_run(tmp_path, capsys):
    code, err = run(["build", "--pack", "dev", "--raw", str(tmp_path / "nothing")], capsys)
    assert code == 2
    assert "Generate it first: `solstice generate --pack dev` (or `make pack PACK=dev`)" in err


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for command in ("generate", "build", "release", "pack", "packs"):
        assert command in text


def test_named_packs_are_accepted(root, reference):
    from solstice.config import resolve_pack

    premium = resolve_pack(root, "premium", known_states=reference.states)
    assert (premium.households, premium.months, premium.start) == (100_000, 36, "2023-01")
    assert premium.end_date.isoformat() == "2026-01-01"
    mvp = resolve_pack(root, None, known_states=reference.states)  # the default pack
    assert (mvp.pack, mvp.households, mvp.months) == ("mvp", 5000, 12)
    assert (mvp.csv_compression, premium.csv_compression) == ("none", "gzip")


def test_an_unknown_csv_compression_is_named(project_copy):
    from solstice.config import resolve_pack
    from solstice.errors import ConfigError

    packs = project_copy / "packs.yml"
    packs.write_text(packs.read_text().replace("csv_compression: gzip", "csv_compression: zip", 1))
    with pytest.raises(ConfigError) as refused:
        resolve_pack(project_copy, "premium-25k")
    assert "csv_compression of pack 'premium-25k' must be one of none, gzip, got 'zip'" in str(refused.value)


@pytest.mark.parametrize("command", ["generate", "build", "release", "charts", "validate", "pack", "packs"])
def test_every_command_explains_itself(command, capsys):
    from solstice.cli import build_parser

    parser = build_parser()
    with pytest.raises(SystemExit) as done:
        parser.parse_args([command, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    sub = parser._subparsers._group_actions[0].choices[command]
    assert sub.description and " ".join(sub.description.split()[:3]) in " ".join(text.split())
    assert "--pack" in text or command == "packs"
