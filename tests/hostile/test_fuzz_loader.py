"""Fuzzing the loader: any document, any mutation of a shipped scenario -> exit 0 or 2, quickly.

``ceasefire validate`` is called in-process (its ``main``) for speed, on random YAML documents,
random text, and random mutations of the shipped and test scenarios (of their text: lines
dropped, repeated, swapped, cut, re-indented, characters inserted; and of their data: any key
set to any value). It must answer 0 (valid) or 2 (a message) every time, never an internal
error or a traceback, within the deadline. A few cases go through a fresh process too.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from helpers.hostile import ROOT, cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main

FILES = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted((ROOT / "tests" / "scenarios")
                                                            .glob("*.yaml"))
TEXTS = {p.name: p.read_text(encoding="utf-8") for p in FILES}
FOLDER = Path(tempfile.mkdtemp(prefix="fuzz-loader-"))
atexit.register(shutil.rmtree, FOLDER, True)
for p in FILES:  # bases of `extends:` resolve beside the mutated files
    (FOLDER / p.name).write_text(TEXTS[p.name], encoding="utf-8")

FUZZ = settings(max_examples=100, deadline=3000, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])

KEYS = ["schema", "name", "title", "extends", "runs", "sessions", "seed", "issues", "actors",
        "battlefield", "negotiation", "events", "pressure", "outcomes", "humanitarian",
        "dist", "mean", "sd", "position", "salience", "role", "<<", "on", "record", "sweep"]
scalars = (st.none() | st.booleans() | st.integers(-10**20, 10**20)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30)
           | st.sampled_from(["2025-13-01", "1e9", "~", "&a", "*a", "!!python/object:os.system",
                              "0x1F", ".inf", "-", "|", "{", "[", "'", '"', "\t", "\x00"]))
values = st.recursive(scalars, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(
    st.sampled_from(KEYS) | st.text(max_size=10), kids, max_size=4), max_leaves=20)


def validate(text: str, name: str = "doc.yaml") -> tuple[int, str]:
    path = FOLDER / f"fuzz-{name}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["validate", str(path)])
    return code, err.getvalue()


def check(text: str, name: str = "doc.yaml") -> None:
    code, err = validate(text, name)
    assert code in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err, err


@FUZZ
@given(doc=values)
def test_random_documents(doc):
    check(yaml.safe_dump(doc, allow_unicode=True))


@FUZZ
@given(text=st.text(alphabet=st.sampled_from(list("ab:- \n\t{}[],&*!|>'\"#%@`0.9é\x07")),
                    max_size=200))
def test_random_text(text):
    check(text)


@st.composite
def mutated_text(draw):
    name = draw(st.sampled_from(sorted(TEXTS)))
    lines = TEXTS[name].splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        k = draw(st.integers(0, max(len(lines) - 1, 0)))
        how = draw(st.sampled_from(["drop", "repeat", "swap", "cut", "indent", "insert"]))
        if how == "drop":
            del lines[k]
        elif how == "repeat":
            lines.insert(k, lines[k])
        elif how == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[k], lines[j] = lines[j], lines[k]
        elif how == "cut":
            lines = lines[:k] + [lines[k][:draw(st.integers(0, len(lines[k])))]]
        elif how == "indent":
            lines[k] = draw(st.sampled_from([" ", "  ", "\t", ""])) + lines[k].lstrip()
        else:
            at = draw(st.integers(0, len(lines[k])))
            lines[k] = lines[k][:at] + draw(st.text(max_size=5)) + lines[k][at:]
        if not lines:
            break
    return name, "".join(lines)


@FUZZ
@given(case=mutated_text())
def test_mutations_of_the_shipped_scenarios_text(case):
    name, text = case
    check(text, name)


def _paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for k, v in enumerate(data):
            yield from _paths(v, (*prefix, k))


DATA = {name: yaml.safe_load(text) for name, text in TEXTS.items()}
PATHS = {name: list(_paths(d))[1:] for name, d in DATA.items()}


@st.composite
def mutated_data(draw):
    name = draw(st.sampled_from(sorted(n for n in PATHS if PATHS[n])))
    data = yaml.safe_load(TEXTS[name])
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(data))[1:]
        if not paths:
            break
        *parent, last = draw(st.sampled_from(paths))
        node = data
        for key in parent:
            node = node[key]
        if draw(st.booleans()) and isinstance(node, dict):
            del node[last]
        else:
            node[last] = draw(values)
    return name, yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@FUZZ
@given(case=mutated_data())
def test_mutations_of_the_shipped_scenarios_data(case):
    name, text = case
    check(text, name)


@pytest.mark.parametrize("text", [
    "schema: 2\nname: x\nissues: {a: {label: A, decides_ceasefire: true}}\nactors: []\n",
    "!!python/object/apply:os.system ['echo hi']\n",
    "extends: /etc/passwd\n",
    "a: &a [*a]\n",
])
def test_a_fresh_process_exits_2_without_a_traceback(text, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    done = cli("validate", str(path), timeout=30)
    assert done.returncode == 2 and "Traceback" not in done.stderr and done.stderr
    assert "root:" not in done.stderr  # the start of /etc/passwd is never quoted
