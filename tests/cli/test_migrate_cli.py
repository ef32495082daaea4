"""`ceasefire migrate`: the schema 2 text of a schema 1 file, comments kept where possible."""

from __future__ import annotations

import warnings

import pytest

from sim.cli import main
from sim.scenario import load_scenario

SCHEMA_1 = """\
# a schema 1 scenario, its comments to keep
schema: 1
name: old
runs: 10                        # a comment on runs
issues:
  ceasefire: {label: Ceasefire, decides_ceasefire: true}
actors:
  red:
    name: Red
    role: party
    position: {ceasefire: 90}
    salience: {ceasefire: 1}
  blue:
    name: Blue
    role: party
    position: {ceasefire: 10}
    salience: {ceasefire: 1}
    delegation:
      authority: 0.5
battlefield:
  sides: [red, blue]
  momentum: 0.2                 # who is winning
  drift: 0.01
  momentum_effect: 0.05
events:
  summit:
    round: 3                    # a summit
    set: {actors.blue.delegation.authority: 1.0}
pressure:
  sanctions: {by: red, on: blue, when: {no_agreement_by_round: 2}, war_cost: 0.01}
negotiation:
  max_rounds: 8                 # the window
  delegation_margin: 0.1
"""


def _load_quietly(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_scenario(path)


def test_migrate_keeps_comments_and_gives_the_same_scenario(tmp_path, capsys):
    old = tmp_path / "old.yaml"
    old.write_text(SCHEMA_1)
    new = tmp_path / "new.yaml"
    assert main(["migrate", str(old), "--out", str(new)]) == 0
    text = new.read_text()
    assert "schema: 2" in text and "# a comment on runs" in text and "# who is winning" in text
    assert "sessions: 8" in text and "max_rounds" not in text and "drift" not in text
    assert "edge: 0.2" in text and "stake: 0.05" in text and "session: 3" in text
    assert "no_agreement_by: 2" in text and "margin: 0.1" in text
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new file is schema 2: no migration warning
        migrated = load_scenario(new)
    assert migrated == _load_quietly(old)
    assert "negotiation.max_rounds -> sessions" in capsys.readouterr().err


def test_migrate_writes_plain_yaml_when_the_layout_cannot_be_kept(tmp_path, capsys):
    old = tmp_path / "flow.yaml"
    old.write_text(SCHEMA_1.replace("negotiation:\n  max_rounds: 8                 # the window\n"
                                    "  delegation_margin: 0.1\n",
                                    "negotiation: {max_rounds: 8}\n"))
    assert main(["migrate", str(old)]) == 0
    out = capsys.readouterr()
    assert "comments were not kept" in out.err and out.out.startswith("# Migrated to schema 2")
    new = tmp_path / "new.yaml"
    new.write_text(out.out)
    assert load_scenario(new) == _load_quietly(old)


def test_migrate_refuses_a_schema_2_file_and_an_existing_output(tmp_path, capsys):
    old = tmp_path / "old.yaml"
    old.write_text(SCHEMA_1)
    two = tmp_path / "two.yaml"
    assert main(["migrate", str(old), "--out", str(two)]) == 0
    assert main(["migrate", str(two)]) == 2
    assert "not a schema 1 scenario" in capsys.readouterr().err
    before = two.read_text()
    assert main(["migrate", str(old), "--out", str(two)]) == 2
    assert two.read_text() == before and "--force" in capsys.readouterr().err
    assert main(["migrate", str(old), "--out", str(two), "--force"]) == 0
    assert not list(tmp_path.glob(".*partial*"))


@pytest.mark.parametrize("broken", ["momentum: [1, 2]", "momentum: {dist: normal, mean: 0}"])
def test_migrate_of_an_invalid_file_names_the_line(tmp_path, capsys, broken):
    old = tmp_path / "bad.yaml"
    old.write_text(SCHEMA_1.replace("momentum: 0.2                 # who is winning", broken))
    assert main(["migrate", str(old)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:22" in err and "battlefield.edge" in err
