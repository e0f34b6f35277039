"""Generated customer activity: journey instances and their interactions, planned in memory.

Everything here is a pure function of a ``random.Random`` and a cutoff, so the same seed and day
give the same rows. Each journey has a script that walks one customer through its touchpoints and
encodes the story the demo tells (see docs/demo.md); ``plan_activity`` turns scripts into
``PlannedInstance`` rows that the loader bulk-inserts.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from journeys.choices import ASSISTED_CHANNELS, DIGITAL_CHANNELS, Channel, Component, Outcome
from journeys.health_components import PopulationTotals, component_values

from .organisation import (
    BILLING_REFERENCE_DAY,
    FIRST_TIME,
    ONBOARDING_SQUEEZE_DAY,
    RAIL_AUTOMATION_DAY,
    RETURNING,
)

# How likely a customer is to rate a contact on each channel (post-call surveys are common,
# letters are rarely rated).
RATING_PROBABILITY = {
    Channel.PHONE: 0.8,
    Channel.FIELD: 0.85,
    Channel.STORE: 0.6,
    Channel.WEB: 0.45,
    Channel.APP: 0.5,
    Channel.EMAIL: 0.3,
    Channel.MAIL: 0.2,
    Channel.OTHER: 0.3,
}

RETAIL_CHANNEL_MIX = (("store", 0.55), ("online", 0.25), ("cross", 0.20))


@dataclass
class PlannedInteraction:
    touchpoint: str
    channel: str
    occurred_at: dt.datetime
    satisfaction: int | None = None
    resolved: bool | None = None
    repeat: bool = False
    reidentified: bool = False


@dataclass
class PlannedInstance:
    external_id: str
    customer_ref: str
    segment: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    outcome: str
    satisfaction: int | None
    interactions: list[PlannedInteraction] = field(default_factory=list)


def rate(rng: random.Random, mean: float) -> int:
    """A 1-5 rating whose expected value is close to ``mean``, with a little noise either way."""
    mean = min(5.0, max(1.0, mean))
    value = int(mean) + (rng.random() < mean - int(mean))
    roll = rng.random()
    if roll < 0.06:
        value -= 1
    elif roll < 0.09:
        value += 1
    return min(5, max(1, value))


class Trail:
    """One customer's path: a clock that moves forward and the contacts made along the way."""

    def __init__(self, rng: random.Random, start: dt.datetime):
        self.rng = rng
        self.at = start
        self.steps: list[PlannedInteraction] = []
        self.friction = 0  # repeats, re-identifications and broken promises so far

    def minutes(self, low: float, high: float) -> None:
        self.at += dt.timedelta(minutes=self.rng.uniform(low, high))

    def hours(self, low: float, high: float) -> None:
        self.at += dt.timedelta(hours=self.rng.uniform(low, high))

    def days(self, low: float, high: float) -> None:
        self.at += dt.timedelta(days=self.rng.uniform(low, high))

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def add(
        self,
        touchpoint: str,
        channel: str,
        *,
        mean: float | None = None,
        rated: float | None = None,
        resolved: bool | None = None,
        repeat: bool = False,
        reidentified: bool = False,
    ) -> PlannedInteraction:
        """Record a contact; ``mean`` rates it now (else a later pass may), ``rated`` overrides the channel's odds."""
        satisfaction = None
        if mean is not None and self.chance(RATING_PROBABILITY[channel] if rated is None else rated):
            satisfaction = rate(self.rng, mean)
        step = PlannedInteraction(touchpoint, channel, self.at, satisfaction, resolved, repeat, reidentified)
        self.steps.append(step)
        self.friction += int(repeat) + int(reidentified)
        self.minutes(1, 4)  # contacts never share a timestamp
        return step


@dataclass
class Ending:
    outcome: str
    satisfaction_mean: float
    after: dt.timedelta = dt.timedelta(0)  # between the last contact and the end of the journey
    rated: float = 0.75


def _finish(
    rng: random.Random, trail: Trail, ending: Ending, *, external_id: str, segment: str, cutoff: dt.datetime
) -> PlannedInstance:
    """Close the instance, or leave it in progress when its end lies beyond the cutoff."""
    started_at = trail.steps[0].occurred_at
    ended_at = trail.steps[-1].occurred_at + ending.after
    customer_ref = f"CUS-{rng.randrange(1_000_000, 10_000_000)}"
    satisfaction = rate(rng, ending.satisfaction_mean) if rng.random() < ending.rated else None
    if ended_at >= cutoff:
        steps = [step for step in trail.steps if step.occurred_at < cutoff]
        return PlannedInstance(external_id, customer_ref, segment, started_at, None, Outcome.IN_PROGRESS, None, steps)
    return PlannedInstance(
        external_id, customer_ref, segment, started_at, ended_at, ending.outcome, satisfaction, trail.steps
    )


# --- the journeys' scripts -------------------------------------------------------------------


def _onboarding(rng: random.Random, start: dt.datetime, age_days: float, context: dict) -> tuple[Trail, Ending, str]:
    """Pay-TV onboarding: every contact goes well, yet first-timers end the journey unhappy."""
    segment = FIRST_TIME if rng.random() < 0.65 else RETURNING
    first_time = segment == FIRST_TIME
    squeezed = age_days <= -ONBOARDING_SQUEEZE_DAY  # technicians' job target bites: slots slip
    trail = Trail(rng, start)
    if trail.chance(0.7):
        trail.add("browse-packages", Channel.WEB)
        trail.hours(0.3, 28)
    trail.add("sales-call", Channel.PHONE, resolved=True)
    trail.minutes(2, 20)
    trail.add("order-confirmation", Channel.EMAIL)
    trail.days(1, 4)
    trail.add("booking-call", Channel.PHONE, resolved=True, reidentified=trail.chance(0.3 if first_time else 0.08))
    trail.days(1, 3)
    trail.add("appointment-letter", Channel.MAIL)
    lead_days = rng.uniform(12, 24) if first_time else rng.uniform(4, 9)
    if squeezed:
        lead_days += rng.uniform(3, 8) if first_time else rng.uniform(5, 10)
    check_odds = (0.55 if first_time else 0.12) + (0.25 if squeezed else 0)
    if trail.chance(check_odds):
        trail.days(lead_days * 0.3, lead_days * 0.6)
        trail.add(
            "appointment-check-call",
            Channel.PHONE,
            resolved=True,
            repeat=True,
            reidentified=trail.chance(0.4 if first_time else 0.1),
        )
        trail.days(lead_days * 0.3, lead_days * 0.4)
    else:
        trail.days(lead_days * 0.9, lead_days)
    rescheduled = trail.chance((0.3 if first_time else 0.07) + (0.15 if squeezed else 0))
    trail.add("technician-visit", Channel.FIELD, resolved=not rescheduled)
    if rescheduled:
        trail.hours(1, 6)
        trail.add(
            "reschedule-call",
            Channel.PHONE,
            resolved=True,
            repeat=True,
            reidentified=trail.chance(0.4 if first_time else 0.1),
        )
        trail.friction += 1
        trail.days(6, 14)
        trail.add("technician-visit", Channel.FIELD, resolved=True, repeat=True)
    if trail.chance(0.02 + (0.09 if first_time else 0) + (0.1 if rescheduled else 0)):
        _rate_onboarding(trail, first_time, squeezed)
        return trail, Ending(Outcome.ABANDONED, 1.5, dt.timedelta(days=rng.uniform(1, 5)), rated=0.5), segment
    trail.hours(1, 48)
    trail.add("activate-viewing-card", Channel.WEB)
    if trail.chance(0.5 if first_time else 0.12):
        trail.hours(1, 72)
        trail.add(
            "activation-help-call",
            Channel.PHONE,
            resolved=trail.chance(0.85),
            reidentified=trail.chance(0.35 if first_time else 0.08),
        )
        if first_time and trail.chance(0.35):
            trail.days(1, 3)
            trail.add("activation-help-call", Channel.PHONE, resolved=True, repeat=True)
    if first_time:
        trail.days(10, 20)
    else:
        trail.days(7, 12)
    trail.add("welcome-pack", Channel.MAIL)
    if trail.chance(0.6 if first_time else 0.15):
        trail.days(2, 8)
        trail.add(
            "first-bill-query",
            Channel.PHONE,
            resolved=trail.chance(0.9),
            reidentified=trail.chance(0.3 if first_time else 0.05),
        )
        if first_time and trail.chance(0.3):
            trail.days(20, 30)
            trail.add("first-bill-query", Channel.PHONE, resolved=True, repeat=True)
    if trail.chance(0.6 if first_time else 0.3):
        if first_time:
            trail.days(1, 10)
        else:
            trail.days(0.5, 3)
        trail.add("my-account-setup", Channel.WEB)
    if first_time:
        trail.days(5, 14)
    else:
        trail.days(1, 4)
    trail.add("settling-in-survey", Channel.EMAIL)
    _rate_onboarding(trail, first_time, squeezed)
    friction_cost = (0.12 if first_time else 0.1) * trail.friction
    mean = (2.6 if first_time else 3.6) - friction_cost - (0.5 if squeezed else 0)
    return trail, Ending(Outcome.COMPLETED, mean, rated=0.8), segment


def _rate_onboarding(trail: Trail, first_time: bool, squeezed: bool) -> None:
    """Each contact is rated on its own merits, but the cumulative effort wears first-timers down."""
    count = len(trail.steps)
    friction = 0
    decline = 2.4 + (0.3 if squeezed else 0)
    for index, step in enumerate(trail.steps):
        progress = index / (count - 1) if count > 1 else 0
        odds = 0.7 if step.touchpoint == "settling-in-survey" else RATING_PROBABILITY[step.channel]
        if first_time:
            mean = 4.9 - decline * progress**2 - 0.12 * friction
        else:
            mean = 4.65 - 0.3 * progress - 0.08 * friction
        if index == 0 or trail.rng.random() < odds:
            step.satisfaction = rate(trail.rng, mean)
        friction += int(step.repeat) + int(step.reidentified)


def _shop_and_buy(rng: random.Random, start: dt.datetime, age_days: float, context: dict) -> tuple[Trail, Ending, str]:
    """Retail: in store, online or across channels; the hand-offs make customers identify again."""
    segment = "loyalty member" if rng.random() < 0.45 else "guest"
    pattern = context["patterns"].pop()
    trail = Trail(rng, start)
    if pattern == "store":
        trail.add("browse-store", Channel.STORE, mean=4.3, rated=0.3)
        if trail.chance(0.7):
            trail.minutes(5, 40)
            trail.add("store-advice", Channel.STORE, mean=4.5)
        if trail.chance(0.08):
            return trail, Ending(Outcome.ABANDONED, 3.2, dt.timedelta(hours=1), rated=0.2), segment
        trail.minutes(3, 30)
        trail.add("store-till", Channel.STORE, mean=4.4, resolved=True)
        if trail.chance(0.8):
            trail.add("carry-out", Channel.STORE, mean=4.5)
        else:
            trail.days(2, 5)
            trail.add("home-delivery", Channel.OTHER, mean=4.1)
        return trail, Ending(Outcome.COMPLETED, 4.25), segment
    if pattern == "online":
        channel = Channel.APP if trail.chance(0.4) else Channel.WEB
        trail.add("browse-app" if channel == Channel.APP else "browse-web", channel, mean=4.3)
        if trail.chance(0.8):
            trail.minutes(2, 30)
            trail.add("product-page", Channel.WEB, mean=4.3)
        trail.hours(0.1, 48)
        if trail.chance(0.15):
            return trail, Ending(Outcome.ABANDONED, 3.0, dt.timedelta(hours=2), rated=0.2), segment
        trail.add("app-checkout" if channel == Channel.APP else "web-checkout", channel, mean=4.4, resolved=True)
        trail.add("order-email", Channel.EMAIL, mean=4.3)
        late = trail.chance(0.08)
        if late:
            trail.days(6, 10)
        else:
            trail.days(1, 4)
        trail.add("home-delivery", Channel.OTHER, mean=3.0 if late else 4.2)
        return trail, Ending(Outcome.COMPLETED, 3.2 if late else 4.1), segment
    # Cross-channel: showrooming, click-and-collect, or researching in the app and buying in store.
    variant = rng.random()
    if variant < 0.4:
        trail.add("browse-store", Channel.STORE, mean=4.3, rated=0.3)
        trail.minutes(5, 40)
        trail.add("store-advice", Channel.STORE, mean=4.4)
        trail.hours(1, 72)
        trail.add("product-page", Channel.WEB, mean=4.2)
        again = trail.chance(0.5)
        trail.add("web-checkout", Channel.WEB, mean=3.8 if again else 4.3, resolved=True, reidentified=again)
        trail.add("order-email", Channel.EMAIL, mean=4.2)
        trail.days(1, 4)
        trail.add("home-delivery", Channel.OTHER, mean=4.2)
    elif variant < 0.85:
        channel = Channel.APP if trail.chance(0.4) else Channel.WEB
        trail.add("browse-app" if channel == Channel.APP else "browse-web", channel, mean=4.3)
        trail.minutes(5, 60)
        trail.add("app-checkout" if channel == Channel.APP else "web-checkout", channel, mean=4.4, resolved=True)
        trail.add("order-email", Channel.EMAIL, mean=4.3)
        trail.days(1, 3)
        again = trail.chance(0.7)
        not_found = trail.chance(0.15)
        trail.add(
            "click-and-collect",
            Channel.STORE,
            mean=3.6 if not_found else (3.9 if again else 4.4),
            resolved=not not_found,
            reidentified=again,
        )
        if not_found:
            trail.days(0.5, 2)
            trail.add("click-and-collect", Channel.STORE, mean=3.7, resolved=True, repeat=True, reidentified=again)
    else:
        trail.add("browse-app", Channel.APP, mean=4.3)
        trail.hours(2, 48)
        again = trail.chance(0.4)
        trail.add("store-till", Channel.STORE, mean=3.9 if again else 4.4, resolved=True, reidentified=again)
        trail.add("carry-out", Channel.STORE, mean=4.5)
    return trail, Ending(Outcome.COMPLETED, 3.7 - 0.4 * trail.friction), segment


def _rail_refund(rng: random.Random, start: dt.datetime, age_days: float, context: dict) -> tuple[Trail, Ending, str]:
    """Rail delay repay in the app: refunded within 24 hours, reliably so since verification is automatic."""
    segment = "season ticket holder" if rng.random() < 0.35 else "occasional traveller"
    automated = age_days <= -RAIL_AUTOMATION_DAY
    trail = Trail(rng, start)
    trail.add("report-delay", Channel.APP, mean=4.4)
    trail.minutes(2, 10)
    trail.add("upload-ticket", Channel.APP, mean=4.0, reidentified=trail.chance(0.02 if automated else 0.08))
    trail.add("claim-acknowledged", Channel.EMAIL, mean=4.2)
    if trail.chance(0.01 if automated else 0.04):
        return trail, Ending(Outcome.ABANDONED, 2.0, dt.timedelta(days=rng.uniform(1, 3)), rated=0.4), segment
    on_time_odds = (0.93 if automated else 0.6) + (0.03 if segment == "season ticket holder" else 0)
    if trail.chance(on_time_odds):
        trail.hours(1, 21)
        trail.add("refund-paid", Channel.APP, mean=4.7)
        return trail, Ending(Outcome.COMPLETED, 4.5, rated=0.6), segment
    trail.days(1, 2)
    if trail.chance(0.6):
        trail.add("claim-status-check", Channel.APP, mean=3.5, repeat=True)
    if trail.chance(0.35):
        trail.hours(2, 30)
        trail.add(
            "refund-help-call",
            Channel.PHONE,
            mean=3.3,
            resolved=True,
            repeat=True,
            reidentified=trail.chance(0.5),
        )
    trail.days(0.5, 3)
    trail.add("refund-paid", Channel.APP, mean=4.0)
    return trail, Ending(Outcome.COMPLETED, 3.1 - 0.2 * trail.friction, rated=0.6), segment


def _billing_complaint(
    rng: random.Random, start: dt.datetime, age_days: float, context: dict
) -> tuple[Trail, Ending, str]:
    """A billing complaint: chasing, repeating and re-identifying, until one reference joined the channels."""
    segment = FIRST_TIME if rng.random() < 0.3 else RETURNING
    shared_reference = age_days <= -BILLING_REFERENCE_DAY
    trail = Trail(rng, start)
    raise_roll = rng.random()
    if raise_roll < 0.6:
        trail.add("complaint-call", Channel.PHONE, mean=3.7, resolved=False)
    elif raise_roll < 0.85:
        trail.add("complaint-email", Channel.EMAIL, mean=3.5)
    else:
        trail.add("complaint-letter", Channel.MAIL, mean=3.4)
    trail.hours(4, 48)
    trail.add("acknowledgement-letter", Channel.MAIL, mean=3.8)
    chases = rng.choices((0, 1, 2, 3), weights=(45, 35, 15, 5) if shared_reference else (20, 35, 30, 15))[0]
    for _ in range(chases):
        trail.days(2, 6)
        again = trail.chance(0.12 if shared_reference else 0.7)
        channel = Channel.PHONE if trail.chance(0.7) else Channel.EMAIL
        trail.add(
            "chase-call" if channel == Channel.PHONE else "chase-email",
            channel,
            mean=3.5 - (0.5 if again else 0),
            resolved=False,
            repeat=True,
            reidentified=again,
        )
    if trail.chance(0.04 + 0.05 * chases):
        return trail, Ending(Outcome.ABANDONED, 1.4, dt.timedelta(days=rng.uniform(3, 10)), rated=0.5), segment
    trail.days(2, 8)
    trail.add("resolution-call", Channel.PHONE, mean=4.1, resolved=True)
    if trail.chance(0.6):
        trail.days(1, 5)
        trail.add("credit-note", Channel.MAIL, mean=4.0)
    trail.days(1, 3)
    trail.add("closure-letter", Channel.MAIL, mean=3.8)
    mean = 3.6 - 0.3 * chases - 0.25 * trail.friction + (0.2 if shared_reference else 0)
    return trail, Ending(Outcome.COMPLETED, mean, rated=0.7), segment


def _home_move(rng: random.Random, start: dt.datetime, age_days: float, context: dict) -> tuple[Trail, Ending, str]:
    """Moving house with the service: nobody owns it, so the request is passed from team to team."""
    trail = Trail(rng, start)
    by_phone = trail.chance(0.4)
    if by_phone:
        trail.add("moving-call", Channel.PHONE, mean=4.0, resolved=False)
    else:
        trail.add("moving-form", Channel.WEB, mean=4.1)
    trail.days(1, 7)
    trail.add(
        "move-booking-call", Channel.PHONE, mean=3.7, resolved=True, repeat=by_phone, reidentified=trail.chance(0.5)
    )
    if trail.chance(0.1):
        return trail, Ending(Outcome.ABANDONED, 1.6, dt.timedelta(days=rng.uniform(2, 10)), rated=0.4), ""
    trail.days(10, 40)
    missed = trail.chance(0.15)
    trail.add("move-technician-visit", Channel.FIELD, mean=3.2 if missed else 4.3, resolved=not missed)
    if missed:
        trail.days(3, 10)
        trail.add("move-technician-visit", Channel.FIELD, mean=4.0, resolved=True, repeat=True)
    trail.days(15, 30)
    trail.add("new-address-bill", Channel.MAIL, mean=3.8)
    if trail.chance(0.3):
        trail.days(2, 7)
        trail.add("new-address-bill-call", Channel.PHONE, mean=3.4, resolved=True, reidentified=trail.chance(0.3))
    return trail, Ending(Outcome.COMPLETED, 3.3 - 0.3 * trail.friction), ""


SCRIPTS = {
    "onboarding": ("ONB", _onboarding),
    "shop-and-buy": ("SHOP", _shop_and_buy),
    "rail-refund": ("RAIL", _rail_refund),
    "billing-complaint": ("BILL", _billing_complaint),
    "home-move": ("MOVE", _home_move),
}


def _start_times(rng: random.Random, count: int, cutoff: dt.datetime, days: int) -> list[dt.datetime]:
    """Start times over the last ``days`` days, during opening hours, quieter at weekends."""
    first_day = cutoff - dt.timedelta(days=days)
    starts = []
    while len(starts) < count:
        day = rng.randrange(days)
        moment = first_day + dt.timedelta(days=day, hours=rng.uniform(8, 21))
        if moment.weekday() >= 5 and rng.random() < 0.35:
            continue
        starts.append(moment)
    starts.sort()
    return starts


def plan_activity(*, slug: str, seed: int, count: int, cutoff: dt.datetime, days: int) -> list[PlannedInstance]:
    """The instances of one journey, oldest first; deterministic for a given seed, cutoff and size."""
    prefix, script = SCRIPTS[slug]
    rng = random.Random(f"{seed}:{slug}")  # noqa: S311 - reproducible demo data, not security
    starts = _start_times(rng, count, cutoff, days)
    context: dict = {}
    if slug == "shop-and-buy":
        # Exact quotas (shuffled) so the channel mix matches the research at any scale.
        patterns = []
        for pattern, share in RETAIL_CHANNEL_MIX[:-1]:
            patterns += [pattern] * round(count * share)
        patterns += [RETAIL_CHANNEL_MIX[-1][0]] * (count - len(patterns))
        rng.shuffle(patterns)
        context["patterns"] = patterns
    planned = []
    for index, start in enumerate(starts, start=1):
        age_days = (cutoff - start).total_seconds() / 86400
        trail, ending, segment = script(rng, start, age_days, context)
        planned.append(_finish(rng, trail, ending, external_id=f"{prefix}-{index:06d}", segment=segment, cutoff=cutoff))
    return _with_loops(slug, planned, seed)


# --- real paths loop (design section 13) ------------------------------------------------------
#
# Customers do not follow the map in order: a failed technician visit sends them back to booking,
# a credit that never arrives back to chasing. The loops are added after planning, with their own
# random stream per instance, so the rest of the plan (and every figure built on it) is unchanged.

LOOPS = {
    # journey: (after this touchpoint, back to this touchpoint and channel, odds, hours later)
    "onboarding": ("reschedule-call", "booking-call", Channel.PHONE, 0.8, (2, 30)),
    "billing-complaint": ("resolution-call", "chase-call", Channel.PHONE, 0.3, (24, 96)),
}


def _with_loops(slug: str, planned: list[PlannedInstance], seed: int) -> list[PlannedInstance]:
    if slug not in LOOPS:
        return planned
    for instance in planned:
        _loop_back(instance, LOOPS[slug], random.Random(f"{seed}:{instance.external_id}:loop"))  # noqa: S311
    return planned


def _loop_back(instance: PlannedInstance, loop: tuple, rng: random.Random) -> None:
    """Insert a contact at an earlier stage right after ``after``, when a later contact follows it."""
    after, back_to, channel, odds, (low, high) = loop
    steps = instance.interactions
    for index, step in enumerate(steps[:-1]):
        if step.touchpoint != after or rng.random() >= odds:
            continue
        following = steps[index + 1].occurred_at
        occurred_at = min(
            step.occurred_at + dt.timedelta(hours=rng.uniform(low, high)), following - dt.timedelta(minutes=1)
        )
        if occurred_at <= step.occurred_at:
            return
        satisfaction = rate(rng, 3.0) if rng.random() < RATING_PROBABILITY[channel] else None
        steps.insert(
            index + 1,
            PlannedInteraction(back_to, channel, occurred_at, satisfaction, resolved=True, repeat=True),
        )
        return


# --- measuring the plan (initiative baselines and results) -----------------------------------


# The components an initiative of the demo targets; the others need data the plan does not keep.
MEASURED_FROM_PLAN = frozenset(
    {
        Component.JOURNEY_CSAT,
        Component.ON_TIME_RATE,
        Component.REPEAT_RATE,
        Component.REIDENTIFICATION_RATE,
        Component.CONTACTS_PER_INSTANCE,
        Component.SATISFACTION_DECAY,
    }
)


def plan_totals(instances: list[PlannedInstance], *, target_duration: dt.timedelta | None = None) -> PopulationTotals:
    """The integer totals the health components are computed from, counted over planned instances."""
    totals = PopulationTotals(instances=len(instances))
    for instance in instances:
        if instance.satisfaction is not None:
            totals.rated_instances += 1
            totals.instance_satisfaction += instance.satisfaction
        if instance.outcome == Outcome.COMPLETED:
            totals.completed += 1
            if target_duration is not None and instance.ended_at - instance.started_at <= target_duration:
                totals.on_time += 1
        elif instance.outcome == Outcome.ABANDONED:
            totals.abandoned += 1
        totals.interactions += len(instance.interactions)
        totals.repeats += sum(step.repeat for step in instance.interactions)
        totals.reidentified += sum(step.reidentified for step in instance.interactions)
        rated = [step.satisfaction for step in instance.interactions if step.satisfaction is not None]
        totals.rated_interactions += len(rated)
        totals.interaction_satisfaction += sum(rated)
        if len(rated) >= 2:
            totals.decay_instances += 1
            totals.first_rated_satisfaction += rated[0]
            totals.last_rated_satisfaction += rated[-1]
    return totals


def component_value(
    component: str, instances: list[PlannedInstance], *, target_duration: dt.timedelta | None = None
) -> float | None:
    """A health component over planned instances, by the health registry's definition (None without data)."""
    if component not in MEASURED_FROM_PLAN:
        raise ValueError(f"Component {component} is not measured from the plan.")
    totals = plan_totals(instances, target_duration=target_duration)
    return component_values(totals, has_target_duration=target_duration is not None)[component]


def channel_family(instance: PlannedInstance) -> str | None:
    """digital, assisted or cross, as the health engine's channel mix counts an instance."""
    channels = {step.channel for step in instance.interactions}
    digital = bool(channels & set(DIGITAL_CHANNELS))
    assisted = bool(channels & set(ASSISTED_CHANNELS))
    if digital and assisted:
        return "cross"
    if digital:
        return "digital"
    if assisted:
        return "assisted"
    return None
