"""Self-contained HTML reports of a run, sweep or comparison folder (``ceasefire report DIR``).

:func:`write_report` writes one HTML file that opens without a network: the figures are inline
PNG (base64), the style is inline, there is no script. See :mod:`sim.report.html`.
"""

from __future__ import annotations

from sim.report.html import Narrator, build_report, write_report

__all__ = ["Narrator", "build_report", "write_report"]
