"""libyaml and PyYAML's Python reader give the same data and key positions.

``read_yaml`` reads a file with libyaml when PyYAML has it (``ceasefire list`` and ``validate``
start faster) and falls back to the Python reader, whose messages the error tests check, for
anything libyaml refuses. The two must agree on every document both accept.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario import ScenarioError, yamlio

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "scenarios").rglob("*.yaml")) + sorted((ROOT / "tests").rglob("*.yaml"))

pytestmark = pytest.mark.skipif(yamlio._CSafeLoader is None, reason="PyYAML without libyaml")


def both(path: Path, monkeypatch) -> tuple:
    fast = yamlio.read_yaml(path, str(path))
    with monkeypatch.context() as m:
        m.setattr(yamlio, "_CSafeLoader", None)
        slow = yamlio.read_yaml(path, str(path))
    return fast, slow


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_and_test_file_reads_the_same(path, monkeypatch):
    fast, slow = both(path, monkeypatch)
    assert fast == slow


@pytest.mark.parametrize("text", [
    "a: 1\nb: [1, 2, {c: 3}]\n",
    "title: \"Istanbul — 16 May 2025\"   # ünïcödé before a flow map: {x: 1}\n"
    "d: {dist: normal, mean: 0.3, sd: 0.1}  # é\nz: é\n",
    "on: {when: 2025-05-16, x: yes, y: true, n: ~}\nlist:\n  - &a {k: 1}\n  - *a\n",
    "base: &b {x: 1, y: 2}\nchild:\n  <<: *b\n  y: 3\n",
    "text: |\n  two\n  lines\nfolded: >\n  one\n  line\n",
    "\ufeffschema: 2\nname: bom\n",
    "k: 1\r\nj: 2\r\n",
    "",
    "# only a comment\n",
])
def test_tricky_documents_read_the_same(text, tmp_path, monkeypatch):
    path = tmp_path / "doc.yaml"
    path.write_bytes(text.encode("utf-8"))
    fast, slow = both(path, monkeypatch)
    assert fast == slow


@pytest.mark.parametrize("text", [
    "schema: 2\nissues: [\n",
    "name: a\nname: b\n",
    "a: &x [*x]\n",
    "when: 2025-13-01\n",
    "a: b: c\n",
    "bad: \x07\n",
    "\tkey: 1\n",
])
def test_malformed_documents_give_the_python_readers_message(text, tmp_path, monkeypatch):
    path = tmp_path / "bad.yaml"
    path.write_bytes(text.encode("utf-8"))
    with pytest.raises(ScenarioError) as fast:
        yamlio.read_yaml(path, "bad.yaml")
    monkeypatch.setattr(yamlio, "_CSafeLoader", None)
    with pytest.raises(ScenarioError) as slow:
        yamlio.read_yaml(path, "bad.yaml")
    assert fast.value.message == slow.value.message
