"""How long an agreement holds, by its kind: bare ceasefire, monitored ceasefire, settlement.

Agreements that raise the cost of defecting, reduce uncertainty and manage accidents last
longer (Fortna 2003, "Scraps of paper? Agreements and the durability of peace", IO 57(2),
337-372; Fortna 2004, *Peace Time: Cease-Fire Agreements and the Durability of Peace*,
Princeton UP). In civil wars most ceasefires are short, and those with substantive and
demobilisation provisions ("definitive") or compliance mechanisms ("preliminary") suspend
violence longer than bare cessations of hostilities (Clayton & Sticher 2021, "The logic of
ceasefires in civil war", International Studies Quarterly 65(3), 633-646; the ETH/PRIO Civil
Conflict Ceasefire data, Clayton et al., "Introducing the ETH/PRIO Civil Conflict Ceasefire
Dataset", JCR 2023, online 2022).

As in :mod:`sim.rules.durability` (which version 1 keeps), the hazard is constant: a monthly
probability of collapse h gives the rate lambda = -ln(1 - h) per 30 days and

    S(d) = (1 - h)^(m d / 30) = exp(-lambda m d / 30),

with m the product of the hazard ratios that apply (:func:`kind_multiplier`). So S(90) = 0.5
<=> h = 1 - 0.5^(1/3) ~ 0.206 and S(365) = 0.5 <=> h = 1 - 0.5^(30/365) ~ 0.0554.

Each kind has a default monthly hazard (:data:`MONTHLY_HAZARD`; every derivation is judgement
on the sources named; § refers to ``docs/reference/domain.md``):

| code | kind                         | h / month | anchor                  | sources              |
|------|------------------------------|-----------|-------------------------|----------------------|
| 0    | `bare_ceasefire`             | 0.415     | S(90) = 0.2             | Clayton et al. 2023  |
| 1    | `ceasefire_with_monitors`    | 0.206     | S(90) = 0.5             | Fortna; §6 [L18]     |
| 2    | `settlement`                 | 0.0554    | S(365) = 0.5            | Clayton & Sticher    |
| 3    | `settlement_with_guarantees` | 0.00766   | settlement rate x 0.135 | Fortna 2003, 2004    |

* ``bare_ceasefire``, the fragile end, from civil-war ceasefires (Clayton et al.): median
  about two weeks, about 2/3 ended within 30 days and 4/5 within 90. A constant hazard cannot
  match all three (the observed hazard falls with age); it is fitted at 90 days, the default
  durability horizon: S(90) = 0.2 <=> h = 1 - 0.2^(1/3). Half-life 39 days; S(30) = 0.58
  overstates survival at one month. Those data include unilateral and fixed-term truces, so a
  negotiated general ceasefire is not held to the worst of them.
* ``ceasefire_with_monitors``: S(90) = 0.5, a monitored ceasefire holds about a season, more
  than twice as long as a bare one. Checks: the bare rate x 0.45 (monitors: Fortna's 55-60%
  lower risk, §6 [L8]) gives h = 0.214, S(90) = 0.49; the July 2020 Donbas ceasefire, under
  OSCE monitoring, held about four months (§6 [L18]).
* ``settlement``: S(365) = 0.5. An agreement that settles every main-track issue (Clayton &
  Sticher's "definitive" class) lasts several times longer: a half-life of one year, a quarter
  of the monitored ceasefire's rate. Fortna's peace agreements (about 60% lower risk than a
  ceasefire or truce, §6 [L8]-[L10]) point the same way.
* ``settlement_with_guarantees``: the settlement with the full package of monitors,
  third-party guarantees and a demilitarised zone, the settlement's rate x 0.45 x 0.6 x 0.5 =
  x 0.135 (the multipliers of §6.1): a half-life of 7.4 years, in line with Fortna's long-run
  figure that about half of the interstate ceasefires since 1946 were followed by renewed war
  (a constant hazard overstates failure over decades).

A kind includes what its name says: ``ceasefire_with_monitors`` its monitors,
``settlement_with_guarantees`` its monitors and guarantees. The hazard ratios of
:mod:`sim.rules.durability` (monitors 0.45, guarantees 0.6, imposed terms 1.8, Werner & Yuen
2005, IO 59(2)) apply on top only where the kind does not already include them (monitors on a
bare ceasefire cannot happen, since that is the monitored kind; guarantees on a ceasefire, or
either on a settlement without both). :func:`agreement_kind` maps what was agreed onto a
kind; :data:`NO_AGREEMENT` (-1) marks replications with neither a ceasefire nor a settlement,
whose survival is NaN.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sim.rules.durability import hazard_multiplier, hold_probability

KINDS = ("bare_ceasefire", "ceasefire_with_monitors", "settlement", "settlement_with_guarantees")
BARE_CEASEFIRE, CEASEFIRE_WITH_MONITORS, SETTLEMENT, SETTLEMENT_WITH_GUARANTEES = range(4)
NO_AGREEMENT = -1

# the full package of a guaranteed settlement: monitors x guarantees x demilitarised zone
GUARANTEED_PACKAGE = 0.45 * 0.6 * 0.5

MONTHLY_HAZARD = (
    1.0 - 0.2 ** (30 / 90),  # bare_ceasefire: S(90) = 0.2, ~0.415
    1.0 - 0.5 ** (30 / 90),  # ceasefire_with_monitors: S(90) = 0.5, ~0.206
    1.0 - 0.5 ** (30 / 365),  # settlement: S(365) = 0.5, ~0.0554
    1.0 - 0.5 ** (30 / 365 * GUARANTEED_PACKAGE),  # settlement_with_guarantees: ~0.00766
)

INCLUDES_MONITORS = (False, True, False, True)  # per kind: the kind's hazard has monitors
INCLUDES_GUARANTEES = (False, False, False, True)  # per kind: the kind's hazard has guarantees


def _check_kinds(kind: np.ndarray) -> None:
    if np.any((kind < NO_AGREEMENT) | (kind >= len(KINDS))):
        raise ValueError(f"agreement kinds must be -1 or 0..{len(KINDS) - 1}, got {kind}")


def agreement_kind(
    ceasefire: ArrayLike,
    settlement: ArrayLike,
    has_monitors: ArrayLike,
    has_guarantees: ArrayLike,
) -> np.ndarray:
    """Kind code of what was agreed (:data:`KINDS`), NO_AGREEMENT (-1) where nothing was.

    A settlement with both monitors and guarantees is ``settlement_with_guarantees``, any other
    settlement ``settlement``; a ceasefire without a settlement is ``ceasefire_with_monitors``
    with monitors, ``bare_ceasefire`` without.

    Args:
        ceasefire: (...) bool, a general ceasefire was agreed.
        settlement: (...) bool, a comprehensive settlement was agreed (it outranks a ceasefire).
        has_monitors, has_guarantees: (...) bool, the monitors' and guarantees' conditions hold.
    """
    settled = np.asarray(settlement, bool)
    cf = np.asarray(ceasefire, bool)
    m, g = np.asarray(has_monitors, bool), np.asarray(has_guarantees, bool)
    kind = np.where(cf, np.where(m, CEASEFIRE_WITH_MONITORS, BARE_CEASEFIRE), NO_AGREEMENT)
    kind = np.where(settled, np.where(m & g, SETTLEMENT_WITH_GUARANTEES, SETTLEMENT), kind)
    return kind.astype(int)


def kind_multiplier(
    kind: ArrayLike,
    monitors: ArrayLike,
    guarantees: ArrayLike,
    imposed: ArrayLike,
    has_monitors: ArrayLike,
    has_guarantees: ArrayLike,
    is_imposed: ArrayLike,
) -> np.ndarray:
    """Product of the hazard ratios that apply on top of the kind's own hazard.

    As :func:`sim.rules.durability.hazard_multiplier`, except that monitors and guarantees
    count only where the kind does not already include them (no double counting).

    Args:
        kind: (...) int codes from :func:`agreement_kind` (NO_AGREEMENT gives 1).
        monitors, guarantees, imposed: the hazard ratios (defaults in version 1: 0.45, 0.6,
            1.8).
        has_monitors, has_guarantees, is_imposed: (...) bool, whether each condition holds.
    """
    k = np.asarray(kind, int)
    _check_kinds(k)
    valid = k >= 0
    index = np.where(valid, k, 0)
    monitored = np.where(valid, np.asarray(INCLUDES_MONITORS)[index], False)
    guaranteed = np.where(valid, np.asarray(INCLUDES_GUARANTEES)[index], False)
    return hazard_multiplier(
        monitors,
        guarantees,
        imposed,
        np.asarray(has_monitors, bool) & ~monitored,
        np.asarray(has_guarantees, bool) & ~guaranteed,
        is_imposed,
    )


def survival(
    days: ArrayLike,
    kind: ArrayLike,
    multiplier: ArrayLike = 1.0,
    hazards: ArrayLike = MONTHLY_HAZARD,
) -> np.ndarray:
    """Probability that an agreement of the given kind holds for ``days`` days.

    S = (1 - h_kind)^(multiplier x days / 30), NaN where kind is NO_AGREEMENT.

    Args:
        days: (...) or broadcastable: the horizon in days, >= 0.
        kind: (...) int codes from :func:`agreement_kind`.
        multiplier: (...) or broadcastable: hazard ratio from :func:`kind_multiplier`.
        hazards: (4,) monthly hazard of each kind, in :data:`KINDS` order.

    Raises:
        ValueError: a kind code outside -1..3.
    """
    k = np.asarray(kind, int)
    _check_kinds(k)
    h = np.asarray(hazards, float)[np.where(k >= 0, k, 0)]
    p = hold_probability(days, h, multiplier)
    return np.where(k >= 0, p, np.nan)
