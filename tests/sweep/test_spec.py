from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sim.sweep import SweepError, is_sweep_file, load_sweep, validate_sweep
from sim.sweep.spec import yaml_value

from .conftest import GRID_2X2, TINY

SHIPPED = Path(__file__).resolve().parents[2] / "scenarios" / "sweeps"


def _problems(path: Path) -> str:
    with pytest.raises(SweepError) as info:
        load_sweep(path)
    return info.value.message


def test_valid_grid_loads_with_defaults(write_sweep):
    path = write_sweep(f"""\
        sweep: 1
        scenario: {TINY}
        parameters:
          battlefield.edge.mean: {{low: -0.5, high: 0.5, steps: 5}}
          sessions: {{low: 6, high: 10, steps: 3}}
        """)
    sw = load_sweep(path)
    assert sw.name == "sweep"
    assert sw.design == "grid"
    assert sw.runs_per_point == 40 and sw.seed == 1  # the scenario's runs and seed
    assert sw.parameters["battlefield.edge.mean"].levels() == [-0.5, -0.25, 0.0, 0.25, 0.5]
    assert sw.parameters["sessions"].levels() == [6, 8, 10]  # stays integer
    assert sw.outputs == ("comprehensive", "ceasefire", "partial", "humanitarian_only",
                          "stalemate", "collapse")
    assert validate_sweep(path) == []
    assert is_sweep_file(path) and not is_sweep_file(TINY)


def test_unknown_top_level_key_names_line_and_suggests(write_sweep):
    path = write_sweep(GRID_2X2.replace("runs_per_point", "runs_per_pont"))
    msg = _problems(path)
    assert f"{path}:3:1: runs_per_pont: unknown key 'runs_per_pont'" in msg
    assert "did you mean 'runs_per_point'?" in msg


def test_unknown_parameter_key_suggests(write_sweep):
    path = write_sweep(GRID_2X2.replace("{low: -0.5, high: 0.5, steps: 2}",
                                        "{lo: -0.5, high: 0.5, steps: 2}"))
    msg = _problems(path)
    assert "parameters.battlefield.edge.mean.lo: unknown key 'lo'; did you mean 'low'?" in msg


def test_bad_parameter_path_is_checked_against_the_scenario(write_sweep):
    path = write_sweep(GRID_2X2.replace("battlefield.edge.mean", "battlefield.edgee.mean"))
    msg = _problems(path)
    assert f"{path}:8:3: parameters.battlefield.edgee.mean:" in msg
    assert "does not accept battlefield.edgee.mean=-0.5" in msg
    assert "did you mean 'edge'?" in msg


def test_parameter_value_out_of_range(write_sweep):
    path = write_sweep(GRID_2X2.replace("{values: [0, 0.02]}", "{values: [0, 2]}"))
    msg = _problems(path)
    assert "parameters.pressure.sanctions.war_cost" in msg
    assert "pressure.sanctions.war_cost=2" in msg


def test_bad_design_suggests(write_sweep):
    path = write_sweep(GRID_2X2.replace("design: grid", "design: sobl"))
    msg = _problems(path)
    assert f"{path}:5:1: design: unknown design 'sobl'; did you mean 'sobol'?" in msg


def test_design_and_parameter_forms_must_agree(write_sweep):
    path = write_sweep(GRID_2X2.replace("design: grid", "design: lhs\nsamples: 8"))
    msg = _problems(path)
    assert "the lhs design samples each parameter from a range" in msg
    assert "found values" in msg
    path = write_sweep(GRID_2X2.replace("steps: 2", "steps: 1"))
    assert "greater than or equal to 2" in _problems(path)
    path = write_sweep(GRID_2X2.replace(", steps: 2", ""))
    assert "a grid parameter takes {values: [...]} or {low: .., high: .., steps: ..}" in \
        _problems(path)
    path = write_sweep(GRID_2X2.replace("design: grid", "design: grid\nsamples: 8"))
    assert "'samples' is for the lhs, sobol and morris designs" in _problems(path)


def test_sobol_samples_must_be_a_power_of_two(write_sweep):
    path = write_sweep(f"""\
        sweep: 1
        scenario: {TINY}
        design: sobol
        samples: 48
        parameters:
          battlefield.edge.mean: {{low: -0.5, high: 0.5}}
          battlefield.rearm_fear: {{low: 0.5, high: 0.2}}
        """)
    msg = _problems(path)
    assert "power of 2" in msg and "try 32 or 64" in msg
    assert "needs low < high" in msg


def test_unknown_output_suggests(write_sweep):
    path = write_sweep(GRID_2X2.replace("dictated_peace,", "dictated_pease,"))
    msg = _problems(path)
    assert "outputs.3: unknown output 'dictated_pease'; did you mean 'dictated_peace'?" in msg


def test_a_renamed_output_is_refused_with_its_new_name(write_sweep):
    path = write_sweep(GRID_2X2.replace("agreement_holds]", "ceasefire_holds]"))
    assert "outputs.4: output 'ceasefire_holds' is now 'agreement_holds'" in _problems(path)


def test_missing_base_scenario_and_bad_yaml(write_sweep, tmp_path):
    path = write_sweep(GRID_2X2.replace(str(TINY), "nowhere.yaml"))
    problems = "\n".join(validate_sweep(path))
    assert "nowhere.yaml not found (the path is relative to the sweep file)" in problems
    path = write_sweep("sweep: 1\nscenario: [unclosed\n", name="bad.yaml")
    assert "malformed YAML" in _problems(path)
    assert "file not found" in _problems(tmp_path / "absent.yaml")
    path = write_sweep("sweep: 2\n", name="v2.yaml")
    assert "unsupported sweep version 2" in _problems(path)


def test_relative_scenario_path_resolves_against_the_sweep_file(tmp_path):
    (tmp_path / "scenarios" / "sweeps").mkdir(parents=True)
    shutil.copy(TINY, tmp_path / "scenarios" / "base.yaml")
    path = tmp_path / "scenarios" / "sweeps" / "rel.yaml"
    path.write_text(GRID_2X2.replace(str(TINY), "../base.yaml"), encoding="utf-8")
    sw = load_sweep(path)
    assert sw.scenario_file == (tmp_path / "scenarios" / "base.yaml").resolve()


def test_points_hash_ignores_outputs_but_not_seed(write_sweep):
    a = load_sweep(write_sweep(GRID_2X2, "a.yaml"))
    b = load_sweep(write_sweep(GRID_2X2.replace("stalemate, ", ""), "b.yaml"))
    c = load_sweep(write_sweep(GRID_2X2.replace("seed: 5", "seed: 6"), "c.yaml"))
    assert a.points_hash() == b.points_hash() != c.points_hash()


@pytest.mark.parametrize("value", [0, 0.1, -0.25, 1e-05, 3.0e20, "mediated", True, None])
def test_yaml_value_round_trips(value):
    import yaml

    assert yaml.safe_load(yaml_value(value)) == value


@pytest.mark.skipif(not (SHIPPED.parent / "istanbul_2025.yaml").is_file(),
                    reason="baseline scenario not present")
@pytest.mark.parametrize("name", ["eu_pressure_x_edge.yaml", "baseline_sobol.yaml"])
def test_shipped_sweeps_validate(name):
    assert validate_sweep(SHIPPED / name) == []


def test_sampled_design_over_an_integer_key_is_refused_at_validation(tmp_path):
    from pathlib import Path

    from sim.sweep import validate_sweep

    base = Path(__file__).resolve().parent / "data" / "tiny.yaml"
    sweep = tmp_path / "ints.yaml"
    sweep.write_text(
        f"sweep: 1\nscenario: {base}\nruns_per_point: 5\ndesign: lhs\nsamples: 4\n"
        "parameters:\n  sessions: {low: 1, high: 5}\noutputs: [partial]\n"
    )
    problems = validate_sweep(sweep)
    assert problems and "sessions" in problems[0] and "integer" in problems[0]


def test_a_schema_1_base_scenario_is_swept_in_schema_2_keys(write_sweep, tmp_path):
    from sim.scenario import load_scenario
    from sim.scenario.loader import SchemaMigrationWarning

    text = TINY.read_text(encoding="utf-8")
    for new, old in [("schema: 2", "schema: 1"), ("sessions: 10\n", ""), ("  edge:", "  momentum:"),
                     ("no_agreement_by:", "no_agreement_by_round:"),
                     ("negotiation:\n", "negotiation:\n  max_rounds: 10\n")]:
        assert new in text
        text = text.replace(new, old)
    old_base = tmp_path / "tiny_schema_1.yaml"
    old_base.write_text(text, encoding="utf-8")
    with pytest.warns(SchemaMigrationWarning):
        assert load_scenario(old_base) == load_scenario(TINY)
    path = write_sweep(GRID_2X2.replace(str(TINY), str(old_base)))
    with pytest.warns(SchemaMigrationWarning):
        sw = load_sweep(path)
    assert sw.parameters["battlefield.edge.mean"].levels() == [-0.5, 0.5]
