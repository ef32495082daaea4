"""Whether a party accepts a text (docs/ODD.md §7.7).

A party's principal wants a text worth at least its acceptance level,
    level = max(min(aspiration, u(own stated terms)), reservation):
its aspiration, but never more than its own stated terms are worth to it (a party does not
refuse what it has itself put on the table) and never less than fighting on. Who may say yes
for it, at once or after a referral, is :mod:`sim.rules.delegation` (Putnam 1988).
Acceptance noise is Normal(0, acceptance_noise) on the utility of the text, a random-utility
acceptance rule (McFadden 1974, in Zarembka (ed.), *Frontiers in Econometrics*, 105-142),
drawn up front per session, party and issue.
"""

from __future__ import annotations

import numpy as np

#: Utilities within this of the level count as meeting it: a text worth exactly a party's
#: aspiration, computed along another path of floating-point operations, is accepted.
TIE = 1e-9


def acceptance_level(
    aspiration: np.ndarray, own_offer: np.ndarray, reservation: np.ndarray
) -> np.ndarray:
    """Utility a text must reach to be accepted by the principal (see module docstring)."""
    return np.maximum(np.minimum(aspiration, own_offer), reservation)


def accepts(
    text_utility: np.ndarray, level: np.ndarray, noise: np.ndarray, noise_sd: np.ndarray
) -> np.ndarray:
    """True where the noisy utility of the text clears the level.

    Args:
        text_utility: utility of the text to the party (after any private penalty).
        level: from :func:`acceptance_level`.
        noise: standard-normal draws of matching shape.
        noise_sd: standard deviation of the acceptance noise.
    """
    return text_utility + np.asarray(noise_sd) * noise >= np.asarray(level) - TIE
