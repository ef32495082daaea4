"""Whether a party accepts a text (docs/ODD.md §7.7).

A party accepts terms worth at least its acceptance level,
    level = max(min(aspiration + margin, u(own public terms)), reservation + margin),
where margin = delegation_margin x (1 - authority): a delegation with a narrow mandate must be
surer of a text because it has to refer back (Putnam 1988, "Diplomacy and domestic politics: the
logic of two-level games", IO 42(3): a smaller win-set at the table). Taking the minimum with the
utility of its own public terms means a party does not refuse what it has itself put on the table
(its public terms can fall below its aspiration when third parties press it, step 3), but never
below its reservation plus the margin.
Acceptance noise is Normal(0, acceptance_noise) on the utility of the text, a random-utility
acceptance rule (McFadden 1974) drawn up front per round, party and issue.
"""

from __future__ import annotations

import numpy as np

#: Utilities within this of the level count as meeting it: a text worth exactly a party's
#: aspiration, computed along another path of floating-point operations, is accepted.
TIE = 1e-9


def delegation_margin(authority: np.ndarray, margin: np.ndarray) -> np.ndarray:
    """Extra utility a delegation needs before it may accept: margin x (1 - authority)."""
    return np.asarray(margin) * (1.0 - np.asarray(authority))


def acceptance_level(
    aspiration: np.ndarray,
    own_offer: np.ndarray,
    reservation: np.ndarray,
    authority: np.ndarray,
    margin: np.ndarray,
) -> np.ndarray:
    """Utility a text must reach to be accepted (see module docstring)."""
    extra = delegation_margin(authority, margin)
    return np.maximum(np.minimum(aspiration + extra, own_offer), reservation + extra)


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
