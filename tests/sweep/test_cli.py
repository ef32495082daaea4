from __future__ import annotations

import argparse

import pytest

from sim.sweep.cli import add_parsers

from .conftest import GRID_2X2, TINY, TINY_B


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ceasefire")
    add_parsers(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def test_help_mentions_the_options(capsys):
    with pytest.raises(SystemExit):
        _run(["sweep", "--help"])
    text = capsys.readouterr().out
    for flag in ("--executor", "--scheduler", "--jobs", "--resume", "--out", "--force",
                 "--no-plots", "--quiet", "common random numbers"):
        assert flag in text


def test_sweep_command_runs_and_reports(write_sweep, tmp_path, capsys):
    path = write_sweep(GRID_2X2)
    assert _run(["sweep", str(path), "--out", str(tmp_path / "out"), "--no-plots"]) == 0
    out = capsys.readouterr()
    assert "sweep sweep: 4 points × 40 runs (grid design, seed 5)" in out.out
    assert out.err == ""  # no progress bar when stderr is not a terminal
    assert (tmp_path / "out" / "points.parquet").is_file()
    assert _run(["sweep", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: output folder") and "--force" in err
    assert _run(["sweep", str(path), "--resume", str(tmp_path / "out"), "--out", "x"]) == 2
    assert "not both" in capsys.readouterr().err
    assert _run(["sweep", str(path), "--scheduler", "tcp://127.0.0.1:9",
                 "--out", str(tmp_path / "never")]) == 2
    assert "--scheduler needs --executor dask" in capsys.readouterr().err


def test_bad_sweep_file_exits_2_without_traceback(write_sweep, capsys):
    path = write_sweep(GRID_2X2.replace("design: grid", "design: sobl"))
    assert _run(["sweep", str(path)]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'sobol'?" in err and "Traceback" not in err
    assert _run(["sweep", str(path.parent / "missing.yaml")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_compare_command(tmp_path, capsys):
    assert _run(["compare", str(TINY), str(TINY_B), "--runs", "60", "--seed", "1",
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "comprehensive" in out and "compare.png" in out
    assert _run(["compare", str(TINY), str(tmp_path / "nope")]) == 2
    assert "no such scenario file or result folder" in capsys.readouterr().err
