"""The scenario as typed, validated objects (schema 2; schema 1 files are migrated on load).

Every model forbids unknown keys. Fields typed ``Number(lo, hi)`` (through the aliases ``Share``,
``Points``, ``Signed``, ``Factor`` and ``RiskExponent``) take a float in ``[lo, hi]`` or a
distribution (:mod:`sim.scenario.numbers`); fixed numbers are plain floats on the model,
uncertain ones are distribution objects. Checks that relate one part of the scenario to another
(an actor's salience names every issue, leverage targets are parties, …) run once the parts are
valid, in :mod:`sim.scenario.checks`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

from annotated_types import Ge, Le
from pydantic import AfterValidator, BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from sim.rules.bdm import OFFER_SELECTIONS, PROBABILITY_METHODS
from sim.rules.beliefs import DEFAULT_DISCOUNT
from sim.rules.durability_kinds import MONTHLY_HAZARD
from sim.rules.humanitarian import TRUST_EFFECT
from sim.rules.mediator import METHODS as MEDIATOR_METHODS
from sim.scenario.checks import consistency_problems
from sim.scenario.errors import did_you_mean
from sim.scenario.numbers import STRICT, DistributionT, Number
from sim.scenario.strategy import Strategy

_IDENT = re.compile(r"[a-z][a-z0-9_]*")
_SLUG = re.compile(r"[a-z0-9_-]+")


def _ident(value: str) -> str:
    if not _IDENT.fullmatch(value):
        raise PydanticCustomError(
            "ident", "'{value}' is not a valid id: use lower-case letters, digits and '_', "
            "starting with a letter", {"value": value})
    return value


#: Longest scenario name: it names the results folder, which must stay a valid file name.
MAX_NAME = 64


def _slug(value: str) -> str:
    if len(value) > MAX_NAME:
        raise PydanticCustomError(
            "slug_length", "a name of {n} characters is too long: at most {max} (it names the "
            "results folder)", {"n": len(value), "max": MAX_NAME})
    if not _SLUG.fullmatch(value):
        raise PydanticCustomError(
            "slug", "'{value}' is not a valid name: use lower-case letters, digits, '-' and '_'",
            {"value": value})
    return value


Ident = Annotated[str, AfterValidator(_ident)]
Slug = Annotated[str, AfterValidator(_slug)]
Score = Annotated[float, Ge(0), Le(100)]

if TYPE_CHECKING:
    # Number(lo, hi) builds its annotation when the module runs, which a type checker cannot
    # follow; to it, each of these holds a fixed float or a distribution.
    Share = float | DistributionT
    Points = float | DistributionT
    Signed = float | DistributionT
    Factor = float | DistributionT
    RiskExponent = float | DistributionT
    LogOdds = float | DistributionT
else:
    Share = Number(0, 1)
    Points = Number(0, 100)
    Signed = Number(-1, 1)
    Factor = Number(0, 5)
    RiskExponent = Number(0.25, 4)
    LogOdds = Number(0, 10)


@dataclass(frozen=True)
class DottedKeys:
    """Marks a mapping whose keys are whole dotted key paths (``--set`` keeps the dots)."""


class _Model(BaseModel):
    model_config = STRICT


class Issue(_Model):
    """One negotiated issue on a 0–100 axis."""

    label: str = Field(description="Human-readable name of the issue.")
    anchors: dict[Score, str] = Field(
        default_factory=dict, description="What points of the 0-100 axis mean, for plots.")
    decides_ceasefire: bool = Field(
        default=False, description=(
            "Agreement on the ceasefire side of the threshold (see ceasefire_side) is a general "
            "ceasefire."
        ))
    ceasefire_threshold: Score = Field(
        default=35.0, description=(
            "Threshold of the ceasefire side: with side low, the highest settled value that "
            "counts as a ceasefire; with side high, the lowest."
        ))
    ceasefire_side: Literal["low", "high"] = Field(
        default="low",
        description="End of the axis where the ceasefire lies: 'low' = at or below the "
        "threshold (0 = ceasefire now), 'high' = at or above it (a mirrored axis).")
    track: Literal["main", "separate"] = Field(
        default="main", description="'separate' issues may be settled on their own.")
    status_quo: Score | None = Field(
        default=None,
        description="Value that holds on this issue while nothing is agreed (e.g. 100 = swaps "
        "suspended); a separate-track text is accepted when it beats it.")


class Delegation(_Model):
    """Who speaks for the actor at the table (delegation by ratification, Putnam 1988)."""

    authority: Share = Field(
        default=1.0, description="1 = the leader is present and signs at once; below 1 = a "
        "mandate-bound delegation that may initial a text short of its mandate ad referendum "
        "with this probability per session.")
    margin: Share = Field(
        default=0.05, description="Utility above its mandate a delegation needs to sign at once "
        "(a leader needs none).")


class MediatorSpec(_Model):
    """How a mediator builds its single negotiating text."""

    method: Literal[*MEDIATOR_METHODS] = Field(  # type: ignore[valid-type]
        default="nash", description="Rule for the mediator's proposal.")


class Actor(_Model):
    """A party, mediator or third party with positions and saliences on every issue."""

    name: str = Field(description="Display name.")
    role: Literal["party", "mediator", "third_party"] = Field(
        description="party (must sign) | mediator | third_party.")
    capability: Share = Field(default=0.5, description="Relative power or clout, 0-1.")
    position: dict[Ident, Points] = Field(
        description="Opening (stated) position per issue, 0-100.")
    ideal: dict[Ident, Points] | None = Field(
        default=None, description="Ideal point per issue; issues left out use the position.")
    salience: dict[Ident, Share] = Field(description="How much each issue matters, 0-1.")
    reservation: Share = Field(
        default=0.3, description="Base utility of fighting on (BATNA) with no expected edge and "
        "no cost, 0-1; third parties: the utility below which they do not back a text.")
    risk: RiskExponent = Field(
        default=1.0, description="Exponent on distance in the utility; 1 = risk neutral.")
    strategy: Strategy = Field(
        default_factory=lambda: Strategy(name="steady"),
        description="Concession strategy from the registry, with its parameters.")
    delegation: Delegation = Field(
        default_factory=Delegation, description="Mandate of the actor's negotiators.")
    mediator: MediatorSpec | None = Field(
        default=None, description="Mediator settings (mediators only; default method nash).")
    engagement: Share = Field(default=1.0, description="How much the actor acts, 0-1.")
    leverage: dict[Ident, Share] = Field(
        default_factory=dict, description="Utility this actor adds (times its engagement) to a "
        "party's value of any main-track agreement it backs: guarantees, aid, sanctions relief "
        "tied to a deal. It backs texts worth at least its own reservation to it.")
    information: Factor = Field(
        default=0.0, description="Mediators: extra sessions of evidence about the war that a "
        "session with this mediator is worth to both sides (times its engagement), 0-5.")

    @model_validator(mode="after")
    def _mediator_settings(self) -> Actor:
        if self.role == "mediator" and self.mediator is None:
            self.mediator = MediatorSpec()
        elif self.role != "mediator" and self.mediator is not None:
            raise PydanticCustomError(
                "mediator_settings", "only an actor with role 'mediator' takes 'mediator' "
                "settings (role is '{role}')", {"role": self.role})
        return self


class Belief(_Model):
    """What one side believes about the edge before the talks (a normal prior)."""

    mean: Signed = Field(description="Prior mean of the edge (> 0 favours the first side).")
    strength: Number(0.1, 1000) = Field(  # type: ignore[valid-type]
        default=3.0, description="Weight of the prior, in sessions of evidence.")


class Battlefield(_Model):
    """The war going on while the talks run (sim.rules.beliefs)."""

    sides: list[Ident] = Field(
        min_length=2, max_length=2, description="The two fighting parties; an edge > 0 favours "
        "the first.")
    edge: Signed = Field(
        default=0.0, description="True expected movement of the front per session (> 0 favours "
        "the first side).")
    volatility: Share = Field(
        default=0.1, description="Sd of a session's movement of the front around the edge.")
    beliefs: dict[Ident, Belief] = Field(
        default_factory=dict, description="Each side's prior about the edge; a side left out "
        "believes the true edge with strength 3.")
    stake: Share = Field(
        default=0.0, description="Utility of one unit of believed edge to a side's reservation.")
    discount: Number(0, 0.99) = Field(  # type: ignore[valid-type]
        default=DEFAULT_DISCOUNT, description="Per-session discount with which a side weighs "
        "future costs of fighting: the current cost counts 1 / (1 - discount) times.")
    war_cost: dict[Ident, Share] = Field(
        default_factory=dict, description="Per-session cost of fighting on to each party (a "
        "level; pressure adds to it).")
    rearm_fear: Share = Field(
        default=0.0, description="Share of its stake in the ceasefire issue that the side "
        "believing itself ahead loses on a general ceasefire (a pause lets the other rearm), "
        "at a believed edge of 1 or more.")


class Calendar(_Model):
    """Dates of the sessions: session s is held on start + (s - 1) x every_days."""

    start: dt.date = Field(description="Date of session 1 (YYYY-MM-DD).")
    every_days: int = Field(default=21, ge=1, le=3650, description="Days between sessions.")

    def session_of(self, day: dt.date) -> int:
        """The first session held on or after ``day`` (1 for a day before the start)."""
        return 1 + max(0, -(-(day - self.start).days // self.every_days))

    def date_of(self, session: int) -> dt.date:
        """The date of session ``session``."""
        return self.start + dt.timedelta(days=(session - 1) * self.every_days)


class When(_Model):
    """Condition of a pressure measure: exactly one of the three keys."""

    no_agreement_by: int | None = Field(
        default=None, ge=1, description=(
            "Fires at the next session if no general ceasefire was agreed by the end of this "
            "session."
        ))
    session: int | None = Field(default=None, ge=1, description="Fires at this session.")
    date: dt.date | None = Field(
        default=None, description="Fires at the first session on or after this date (needs a "
        "calendar).")

    @model_validator(mode="after")
    def _exactly_one(self) -> When:
        given = [k for k in ("no_agreement_by", "session", "date") if getattr(self, k) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "when", "give exactly one of 'no_agreement_by', 'session' or 'date'")
        return self


class Pressure(_Model):
    """A conditional measure by one actor on a party."""

    by: Ident = Field(description="Actor applying the measure.")
    on: Ident = Field(description="Party it is applied to.")
    when: When = Field(description="When it fires.")
    war_cost: Share = Field(default=0.0, description="Added to the target's war cost.")
    leverage: Share = Field(default=0.0, description="Added to the actor's leverage.")
    description: str = Field(default="", description="What the measure stands for.")


class Event(_Model):
    """A scheduled or chance event that changes runtime-settable values."""

    session: int | None = Field(default=None, ge=1, description="Session at which it may happen.")
    date: dt.date | None = Field(
        default=None, description="Or: it may happen at the first session on or after this date "
        "(needs a calendar).")
    probability: Share = Field(default=1.0, description="Chance that it happens.")
    description: str = Field(default="", description="What the event stands for.")
    set: Annotated[dict[str, float], DottedKeys()] = Field(
        default_factory=dict, description="Key path -> new value (runtime-settable paths only).")

    @model_validator(mode="after")
    def _exactly_one(self) -> Event:
        if (self.session is None) == (self.date is None):
            raise PydanticCustomError("when", "give exactly one of 'session' or 'date'")
        return self


class Walkout(_Model):
    """When a party leaves the table."""

    threshold: Share = Field(
        default=0.15, description="Gap between the reservation and the utility of the best "
        "text the talks can offer at which the walkout hazard is half its maximum.")
    hazard: Share = Field(default=0.2, description="Largest walkout probability per session.")
    softness: Share = Field(
        default=0.05, description="Width of the smooth rise of the hazard around the threshold "
        "(0 = a step).")


class ExpectedUtility(_Model):
    """Options of the expected-utility protocol (Scholz et al. 2011)."""

    probability: Literal[*PROBABILITY_METHODS] = Field(  # type: ignore[valid-type]
        default="scholz_global", description="How the probability of winning is computed.")
    offer_selection: Literal[*OFFER_SELECTIONS] = Field(  # type: ignore[valid-type]
        default="min_kappa", description="Which received offer an actor accepts.")
    capitulation: bool = Field(default=False, description="Allow capitulation moves.")
    forecast: Literal["median", "mean"] = Field(
        default="median", description="Forecast read off the positions.")
    agreement_gap: float = Field(
        default=10.0, ge=0, le=100,
        description="An issue counts as settled when the parties end within this many points.")


def _registered_protocol(name: str) -> str:
    # The registry sits above the scenario layer; it is consulted when a scenario is checked,
    # not when this module is imported.
    from sim.protocols import names

    known = names()
    if name not in known:
        raise PydanticCustomError(
            "unknown_protocol", "unknown protocol '{name}' (known: {known}){hint}",
            {"name": name, "known": ", ".join(known), "hint": did_you_mean(name, known)})
    return name


def _protocol_enum(schema: dict) -> None:
    from sim.protocols import names

    schema["enum"] = names()


class Negotiation(_Model):
    """How the sessions run."""

    protocol: Annotated[str, AfterValidator(_registered_protocol)] = Field(
        default="mediated", description="Negotiation protocol (a registered name; see "
        "`ceasefire list`).", json_schema_extra=_protocol_enum)
    deadline: int | None = Field(
        default=None, ge=1, le=500,
        description="A session the parties know the talks end in (an ultimatum); none by default. "
        "Strategies that concede on a clock (boulware, linear, conceder) need one.")
    agenda: Literal["issue_by_issue", "package"] = Field(
        default="issue_by_issue", description="Accept per issue or the whole text.")
    first: list[Ident] = Field(
        default_factory=list, description="Issues negotiated alone first; the rest join later.")
    acceptance_noise: Share = Field(
        default=0.02, description="Sd of the noise on each acceptance decision.")
    walkout: Walkout = Field(default_factory=Walkout, description="Walkout rule.")
    expected_utility: ExpectedUtility = Field(
        default_factory=ExpectedUtility, description="Options of the expected_utility protocol.")


class Hazards(_Model):
    """Monthly hazard of collapse of each kind of agreement (sim.rules.durability_kinds).

    A kind left out (None) has the model's default, :data:`MONTHLY_HAZARD`.
    """

    bare_ceasefire: Share | None = Field(
        default=None, description=f"A ceasefire without monitors; default {MONTHLY_HAZARD[0]:.3g} "
        "(S(90) = 0.2).")
    ceasefire_with_monitors: Share | None = Field(
        default=None, description=f"A ceasefire with monitors; default {MONTHLY_HAZARD[1]:.3g} "
        "(S(90) = 0.5).")
    settlement: Share | None = Field(
        default=None, description="A settlement of every main-track issue; default "
        f"{MONTHLY_HAZARD[2]:.3g} (S(365) = 0.5).")
    settlement_with_guarantees: Share | None = Field(
        default=None, description="A settlement with monitors and guarantees; default "
        f"{MONTHLY_HAZARD[3]:.3g} (the settlement's x 0.135).")


class Durability(_Model):
    """Whether an agreement (ceasefire or settlement) holds: a hazard by its kind (Fortna)."""

    days: int = Field(default=90, ge=1, le=3650, description="Horizon the agreement must survive.")
    monthly_hazard: Share | None = Field(
        default=None, description="Hazard of a bare ceasefire (the weak ceasefire of earlier "
        "files): the same key as hazards.bare_ceasefire, give at most one of the two.")
    hazards: Hazards = Field(
        default_factory=Hazards, description="Monthly hazard of each kind of agreement.")
    monitors: Factor = Field(default=0.45, description="Hazard multiplier with monitors.")
    guarantees: Factor = Field(
        default=0.6, description="Hazard multiplier with third-party guarantees.")
    imposed: Factor = Field(
        default=1.8, description=(
            "Hazard multiplier for an imposed agreement: a party's utility of the settled terms "
            "is below its round-0 reservation."
        ))
    monitors_issue: str | None = Field(
        default=None, description="Issue whose settled value decides whether monitors deploy.")
    monitors_below: Score = Field(
        default=50.0, description="Monitors deploy when that issue settles below this value.")
    guarantees_issue: str | None = Field(
        default=None, description="Issue whose settled value decides whether guarantees apply.")
    guarantees_below: Score = Field(
        default=50.0, description="Guarantees apply when that issue settles below this value.")

    @model_validator(mode="after")
    def _monthly_hazard_is_the_bare_ceasefire_hazard(self) -> Durability:
        # An earlier file's single hazard was that of a weak ceasefire (docs/ODD.md §7.14): it
        # becomes hazards.bare_ceasefire, so the resolved scenario has one key for one number.
        # Both given is refused by the scenario checks, which name the line.
        if self.monthly_hazard is not None and self.hazards.bare_ceasefire is None:
            self.hazards.bare_ceasefire = self.monthly_hazard
            self.monthly_hazard = None
        return self


class Outcomes(_Model):
    """How a replication's result is classified."""

    dictated_peace_margin: Share = Field(
        default=0.25, description="Utility margin beyond which terms count as a dictated peace.")
    durability: Durability = Field(
        default_factory=Durability, description="Durability of a ceasefire or settlement.")


class HumanitarianTrack(_Model):
    """A separate-track issue exchanged session after session instead of settled once."""

    issue: Ident = Field(description="The separate-track issue exchanged (prisoners, bodies).")
    rate: Share = Field(
        description="Probability of an exchange at a session while trust is neutral (0).")
    trust_effect: LogOdds = Field(
        default=TRUST_EFFECT, description="Log-odds of an exchange added per unit of trust "
        "(trust lies in -1..1).")


class Scenario(_Model):
    """A ceasefire negotiation scenario (schema 2)."""

    schema_version: Literal[2] = Field(alias="schema", description="Scenario format version.")
    name: Slug = Field(description="Short name, used for result folders.")
    title: str = Field(default="", description="One-line title.")
    extends: str | None = Field(
        default=None, description="Path of a base scenario to deep-merge (resolved on load).")
    seed: int = Field(default=0, ge=0, description="Master seed.")
    runs: int = Field(default=1000, ge=1, description="Number of replications.")
    sessions: int = Field(
        default=20, ge=1, le=500, description="Sessions simulated: the window looked at. The "
        "parties do not know it (negotiation.deadline is a session they do know).")
    calendar: Calendar | None = Field(
        default=None, description="Dates of the sessions, for plots and events by date.")
    issues: dict[Ident, Issue] = Field(min_length=1, description="Issues, in agenda order.")
    actors: dict[Ident, Actor] = Field(description="Actors, in order.")
    battlefield: Battlefield | None = Field(default=None, description="The war alongside talks.")
    pressure: dict[Ident, Pressure] = Field(
        default_factory=dict, description="Conditional measures by name.")
    events: dict[Ident, Event] = Field(default_factory=dict, description="Events by name.")
    negotiation: Negotiation = Field(default_factory=Negotiation, description="Rounds and rules.")
    outcomes: Outcomes = Field(default_factory=Outcomes, description="Outcome classification.")
    humanitarian: HumanitarianTrack | None = Field(
        default=None, description="Repeated exchanges on a separate-track issue (none: the "
        "issue is settled once, like any other).")

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        problems = consistency_problems(self)
        if problems:
            summary = "; ".join(".".join(loc) + ": " + text for loc, text in problems)
            raise PydanticCustomError(
                "scenario_consistency", "{summary}", {"summary": summary, "problems": problems})
        return self

    @property
    def issue_ids(self) -> list[str]:
        """Issue ids in scenario order."""
        return list(self.issues)

    @property
    def actor_ids(self) -> list[str]:
        """Actor ids in scenario order."""
        return list(self.actors)

    @property
    def parties(self) -> list[str]:
        """Ids of the actors with role ``party``, in scenario order."""
        return [a for a, actor in self.actors.items() if actor.role == "party"]

    @property
    def ceasefire_issue(self) -> str:
        """Id of the issue whose settlement decides the ceasefire."""
        return next(i for i, issue in self.issues.items() if issue.decides_ceasefire)
