"""Delegation by ratification: a delegation signs within its mandate or initials for referral.

Putnam (1988, "Diplomacy and domestic politics: the logic of two-level games", IO 42(3),
427-460): an agreement at the table (level I) takes effect only once it is ratified at home
(level II), and a negotiator whose principal has given it little room has a small win-set.
The model of it, for each party at each session (the rules' choices are modelling choices on
Putnam's frame):

* **Mandate.** The principal instructs its delegation before the first session and after
  every referral (a session at which its delegation initialled a text, whether or not the
  other side said yes: it asked home); the mandate is the principal's aspiration (utility)
  when it last did (:func:`instruct`). The principal's own
  aspiration moves on in between, so the mandate is usually stale: higher than the principal's
  current aspiration while the principal concedes, lower if it hardens.
* **Sign.** A delegation may sign a text worth at least mandate + margin to its party, and
  only if it is also worth at least the principal's current aspiration: a principal does not
  let a stale mandate commit it to a text it no longer wants (it recalls the delegation).
  ``margin`` >= 0 is the delegation's extra caution (``delegation.margin``). A signed text
  takes effect at once.
* **Initial ad referendum.** A text short of mandate + margin but worth at least the
  principal's current aspiration may be initialled, with probability ``authority`` per session
  (a pre-drawn uniform u: initial when u < authority). It takes effect only if the principal
  ratifies it at the next session (:func:`ratifies`): by its own acceptance rule then, utility
  >= its aspiration then (any acceptance noise is added to the utility by the caller). A text
  not ratified lapses and the talks go on.
* **A leader in the room** (authority >= 1) is the principal: it signs any text worth at least
  its current aspiration at once, with no margin and no referral.

Authority therefore changes how fast texts near the edge of the mandate are agreed (a leader at
once; a delegation of authority a after a referral that starts with probability a per session
and a session's wait; authority 0 never, until the principal instructs again), but never
whether a text below the principal's aspiration can be agreed: every text that takes effect is
worth at least the principal's aspiration at the moment it takes effect.

:func:`decision` combines the rules into one code per replication: :data:`REJECT` (0),
:data:`SIGN` (1) or :data:`INITIAL` (2), names in :data:`DECISIONS`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

DECISIONS = ("reject", "sign", "initial")
REJECT, SIGN, INITIAL = range(3)


def instruct(
    mandate: ArrayLike, principal_aspiration: ArrayLike, instructs: ArrayLike
) -> np.ndarray:
    """The mandate after this session: the principal's current aspiration where it instructs.

    Args:
        mandate: (...) the current mandate (utility).
        principal_aspiration: (...) the principal's aspiration now.
        instructs: (...) bool, whether the principal instructs its delegation now.
    """
    return np.where(instructs, principal_aspiration, mandate).astype(float)


def is_leader(authority: ArrayLike) -> np.ndarray:
    """True where the leader is in the room (authority >= 1)."""
    return np.asarray(authority, float) >= 1.0


def accepts_within_mandate(
    text_utility: ArrayLike,
    mandate: ArrayLike,
    principal_aspiration: ArrayLike,
    margin: ArrayLike,
    authority: ArrayLike,
) -> np.ndarray:
    """True where the text may be signed at once.

    A leader: u >= principal_aspiration. A delegation: u >= max(mandate + margin,
    principal_aspiration).

    Args:
        text_utility: (...) utility of the text to the party (noise, if any, included).
        mandate: (...) from :func:`instruct`.
        principal_aspiration: (...) the principal's aspiration now.
        margin: (...) or broadcastable: the delegation's extra caution, >= 0.
        authority: (...) or broadcastable: in [0, 1]; 1 is a leader in the room.
    """
    u = np.asarray(text_utility, float)
    now = np.asarray(principal_aspiration, float)
    delegation_level = np.maximum(np.asarray(mandate, float) + np.asarray(margin, float), now)
    return u >= np.where(is_leader(authority), now, delegation_level)


def initials(
    text_utility: ArrayLike,
    principal_aspiration: ArrayLike,
    authority: ArrayLike,
    uniform: ArrayLike,
) -> np.ndarray:
    """True where a delegation may initial the text ad referendum this session.

    u >= principal_aspiration and uniform < authority, never for a leader (who signs instead).
    :func:`decision` gives signing precedence, so a text within the mandate is signed, not
    initialled.

    Args:
        text_utility: (...) utility of the text to the party.
        principal_aspiration: (...) the principal's aspiration now.
        authority: (...) or broadcastable: in [0, 1].
        uniform: (...) pre-drawn uniforms in [0, 1).
    """
    a = np.asarray(authority, float)
    wanted = np.asarray(text_utility, float) >= np.asarray(principal_aspiration, float)
    return wanted & (np.asarray(uniform, float) < a) & ~is_leader(a)


def ratifies(text_utility: ArrayLike, principal_aspiration: ArrayLike) -> np.ndarray:
    """True where the principal ratifies an initialled text: its utility >= its aspiration now.

    Called at the session after the text was initialled, with the text's utility and the
    principal's aspiration at that session (acceptance noise added to the utility by the
    caller).
    """
    return np.asarray(text_utility, float) >= np.asarray(principal_aspiration, float)


def decision(
    text_utility: ArrayLike,
    mandate: ArrayLike,
    principal_aspiration: ArrayLike,
    margin: ArrayLike,
    authority: ArrayLike,
    uniform: ArrayLike,
) -> np.ndarray:
    """What the party's negotiator does with the text: REJECT, SIGN or INITIAL (int codes).

    SIGN where :func:`accepts_within_mandate`; otherwise INITIAL where :func:`initials`;
    otherwise REJECT. Arguments as for those two functions.

    Returns:
        (...) int codes, indices into :data:`DECISIONS`.
    """
    sign = accepts_within_mandate(text_utility, mandate, principal_aspiration, margin, authority)
    initial = initials(text_utility, principal_aspiration, authority, uniform)
    return np.where(sign, SIGN, np.where(initial, INITIAL, REJECT))
