"""Records: negotiation series as they happened, for calibrating scenarios to history.

A record file (``records/*.yaml``, starting ``record: 1``) names the scenario that sets the
series up and lists its sessions with their dates and what was observed, every fact with its
source keys from ``docs/reference/domain.md``. :func:`load_record` validates it like a scenario
(file, line, column and key path in every message), loads its scenario and maps each date to
the simulated session it falls in (``Calendar.session_of``).
"""

from sim.records.loader import (
    LoadedRecord,
    SessionMatch,
    load_record,
    shipped_records,
    validate_record,
)
from sim.records.models import FACTS, RECORD_VERSION, Record, RecordedSession

__all__ = [
    "FACTS",
    "RECORD_VERSION",
    "LoadedRecord",
    "Record",
    "RecordedSession",
    "SessionMatch",
    "load_record",
    "shipped_records",
    "validate_record",
]
