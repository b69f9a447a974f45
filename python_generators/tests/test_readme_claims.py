"""The README's checkable claims hold for the code: the exposures it names, the `solstice` options it lists,
the make targets it mentions, the models, seeds and analyses it selects, and its naming rule and example.
Cheap checks (no pack, no dbt run), so drift shows up in `make test` instead of in a newcomer's terminal."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from solstice.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def code_blocks(text: str) -> list[str]:
    return re.findall(r"```(?:bash)?\n(.*?)```", text, flags=re.S)


def subcommand_help(command: str) -> str:
    parser = build_parser()
    return parser._subparsers._group_actions[0].choices[command].format_help()


def make_help() -> dict[str, str]:
    """`make help`: target -> its one-line description."""
    done = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    entries = dict(line.split(None, 1) for line in lines)
    assert all(entries.values()), f"a target without a description in `make help`: {lines}"
    return entries


def test_every_exposure_is_named_and_every_named_exposure_exists():
    exposures = {e["name"] for e in yaml.safe_load((ROOT / "models" / "_exposures.yml").read_text())["exposures"]}
    named = set(re.findall(r"`(solstice_[a-z_]+)`", README))
    assert named == exposures, f"README names {sorted(named)}, models/_exposures.yml has {sorted(exposures)}"
    words = {2: "two", 3: "three", 4: "four", 5: "five"}
    assert f"the {words[len(exposures)]} exposures" in README


def readme_solstice_options() -> dict[str, set[str]]:
    """Options the README's command list shows for each `solstice` command (continuation lines included)."""
    options: dict[str, set[str]] = {}
    for block in code_blocks(README):
        for command in re.split(r"\n(?=\.venv/bin/solstice )", block.replace("\\\n", " ")):
            found = re.match(r"\.venv/bin/solstice (\w+)(.*)", command, flags=re.S)
            if found:
                text = found.group(2).split("#", 1)[0]
                options.setdefault(found.group(1), set()).update(re.findall(r"--[a-z][a-z-]*", text))
    return options


def test_every_solstice_option_in_the_readme_exists():
    options = readme_solstice_options()
    assert {"generate", "build", "release", "charts", "validate", "pack", "packs"} <= set(options)
    for command, listed in options.items():
        known = set(re.findall(r"--[a-z][a-z-]*", subcommand_help(command)))
        assert listed <= known, f"README lists `solstice {command}` options it does not have: {listed - known}"


def test_the_readme_lists_every_generate_option():
    known = set(re.findall(r"--[a-z][a-z-]*", subcommand_help("generate"))) - {"--help"}
    listed = readme_solstice_options()["generate"]
    assert known <= listed, f"`solstice generate` options missing from the README: {sorted(known - listed)}"


def test_make_help_lists_every_target_and_the_readme_only_real_ones():
    described = make_help()
    makefile = (ROOT / "Makefile").read_text()
    defined = set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.M))
    assert set(described) == defined, (f"targets without a `## ` line: {sorted(defined - set(described))}; "
                                       f"`## ` lines without a target: {sorted(set(described) - defined)}")
    commands = re.findall(r"`make ([a-z][a-z-]*)", README)
    commands += [m for block in code_blocks(README) for m in re.findall(r"^make ([a-z][a-z-]*)", block, flags=re.M)]
    mentioned = set(commands)
    assert {"pack", "test", "help", "docs"} <= mentioned
    assert mentioned <= defined, f"README mentions make targets that do not exist: {sorted(mentioned - defined)}"


def project_names(folder: str, suffix: str) -> set[str]:
    return {p.name[: -len(suffix)] for p in (ROOT / folder).rglob(f"*{suffix}")}


def test_every_selected_model_seed_and_analysis_exists():
    """`--select` arguments in the README name real nodes (or the new model the README tells you to create)."""
    real = project_names("models", ".sql") | project_names("seeds", ".csv") | project_names("analyses", ".sql")
    introduced = set(re.findall(r"`(?:[\w/<>]+/)?(\w+)\.sql`", README)) - real  # "create int_..._counted.sql"
    assert len(introduced) <= 1, introduced
    selected = {s.strip("+") for s in re.findall(r"--select ([\w+:]+)", README) if ":" not in s}
    assert {"billing_and_savings", "utility_tariff_plans", "savings_by_tariff_type"} <= selected
    assert selected <= real | introduced, f"README selects what does not exist: {sorted(selected - real - introduced)}"
    refs = set(re.findall(r"ref\('(\w+)'\)", README))
    assert refs and refs <= real, f"README refs what does not exist: {sorted(refs - real)}"
    assert not {r for r in refs if r.startswith("stg_")}, "README's example queries should use marts, not staging"


def test_the_naming_rule_and_its_examples_agree():
    rule = re.search(r"`models/intermediate/<area>/(int_<entity>s_<verb>ed)\.sql`", README)
    assert rule, "the README's naming rule for intermediate models moved or changed"
    pattern = re.compile(r"^int_[a-z_]+s_[a-z]+ed$")
    section = README[rule.start(): rule.start() + 1200]
    examples = set(re.findall(r"\bint_\w+", section)) - {"int_"}
    assert {"int_households_profiled", "int_tickets_counted"} <= examples
    assert all(pattern.match(e) for e in examples), [e for e in examples if not pattern.match(e)]
    assert "int_households_profiled" in project_names("models", ".sql")


@pytest.mark.parametrize("claim", [
    "`dbt build` does not check descriptions; `make test` does",   # the docs test lives in pytest only
    "dbt show --select savings_by_tariff_type",                    # how to run a compiled analysis
    "only when\nthe pack is generated again",                      # tariff seeds and the simulated batteries
])
def test_claims_backed_by_the_code_are_still_made(claim):
    assert " ".join(claim.split()) in " ".join(README.split())
    if "make test" in claim:
        docs_test = (ROOT / "python_generators" / "tests" / "test_docs_in_browser.py").read_text()
        assert "def test_every_model_column_source_seed_and_macro_is_described" in docs_test
        generic = " ".join(p.read_text() for p in (ROOT / "tests" / "generic").glob("*.sql"))
        assert "description" not in generic  # no dbt test checks descriptions, so `dbt build` cannot
