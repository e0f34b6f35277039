"""Writes the demo organisation and its activity, creating only what is missing.

The unit of idempotence is the journey: a journey whose slug already exists is left alone with
everything attached to it (map, owners, team, reviews, issues, initiatives, instances). Shared
rows (functions, people, logins, incentives) are matched by their natural keys. A second run
therefore changes nothing, and a run after a partial delete puts back only what is gone.
Rows are bulk-inserted for speed; history-tracked rows get their creation record in the audit
history, dated when the story says they happened.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.authtoken.models import Token
from simple_history.utils import bulk_create_with_history

from core.errors import ApplicationError
from core.rules import MANAGERS_GROUP
from improvements import deadlines
from improvements import services as improvement_services
from improvements.choices import InitiativeStatus
from improvements.models import Comment, Initiative, InitiativeUpdate, Issue
from journeys.choices import JourneyStatus
from journeys.models import Interaction, Journey, JourneyInstance, Persona, Stage, Touchpoint
from journeys.services.copies import journey_create_from_template
from owners.models import (
    Function,
    Incentive,
    IncentiveReview,
    Ownership,
    Person,
    Responsibility,
    TeamMembership,
)

from . import organisation as org
from .activity import PlannedInstance, component_value, plan_activity

CHANGE_REASON = "Demo data (manage.py seed_demo)"
BATCH_SIZE = 2000


@dataclass
class SeedResult:
    created: Counter = field(default_factory=Counter)
    journeys_created: list[str] = field(default_factory=list)
    journeys_kept: list[str] = field(default_factory=list)
    users_kept: list[str] = field(default_factory=list)
    token: str = ""


class _Calendar:
    """Turns the organisation's day offsets into dates and times relative to the load day."""

    def __init__(self, today: dt.date):
        self.today = today
        self.cutoff = dt.datetime.combine(today, dt.time.min, tzinfo=timezone.get_current_timezone())

    def date(self, offset: int | None) -> dt.date | None:
        return None if offset is None else self.today + dt.timedelta(days=offset)

    def moment(self, offset: int, hour: float = 10) -> dt.datetime:
        return self.cutoff + dt.timedelta(days=offset, hours=hour)


@transaction.atomic
def seed_demo(*, days: int = 180, scale: float = 1.0, seed: int = 1, today: dt.date | None = None) -> SeedResult:
    """Load the demo organisation; everything that already exists is kept as it is."""
    calendar = _Calendar(today or timezone.localdate())
    result = SeedResult()
    users = _ensure_users(result)
    functions = _ensure_functions(result)
    people = _ensure_people(result, functions, users)
    incentives = _ensure_incentives(result, functions)

    existing_slugs = set(
        Journey.objects.filter(slug__in=[spec.slug for spec in org.JOURNEYS]).values_list("slug", flat=True)
    )
    new_specs = [spec for spec in org.JOURNEYS if spec.slug not in existing_slugs]
    result.journeys_kept = [spec.slug for spec in org.JOURNEYS if spec.slug in existing_slugs]
    if new_specs:
        journeys = _create_journeys(result, new_specs, calendar, functions, people)
        _create_reviews(result, journeys, incentives, people, calendar)
        plans = _create_activity(result, journeys, new_specs, calendar, days=days, scale=scale, seed=seed)
        issues = _create_issues(result, journeys, functions, people, calendar)
        _create_comments(result, issues, people, calendar)
        _create_initiatives(result, journeys, new_specs, functions, people, issues, plans, calendar)
        result.journeys_created = [spec.slug for spec in new_specs]
    _place_in_framework()
    _create_template_journey(result)
    result.token = Token.objects.get_or_create(user=users[org.INTEGRATION_USERNAME])[0].key
    return result


def _place_in_framework() -> None:
    """The lifecycle parents of ``org.FRAMEWORK`` and their parts; kept as they are when present."""
    for slug, name, description, part_slugs in org.FRAMEWORK:
        parent, created = Journey.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "status": JourneyStatus.DRAFT}
        )
        if created:
            Journey.objects.filter(slug__in=part_slugs, parent__isnull=True).update(parent=parent)


def _create_template_journey(result: SeedResult) -> None:
    """One journey drawn from a template, as a manager would start it: a draft with its map and swimlanes."""
    spec = org.TEMPLATE_JOURNEY
    if Journey.objects.filter(slug=spec["slug"]).exists():
        result.journeys_kept.append(spec["slug"])
        return
    journey_create_from_template(template=spec["template"], name=spec["name"], slug=spec["slug"])
    result.journeys_created.append(spec["slug"])
    result.created["journeys"] += 1


def _history(objs: list, model, *, date: dt.datetime | None = None) -> list:
    """Bulk insert rows of a history-tracked model together with their creation records."""
    if not objs:
        return []
    return bulk_create_with_history(objs, model, default_change_reason=CHANGE_REASON, default_date=date)


# --- logins, functions, people, incentives (shared, matched by natural key) -------------------


def _ensure_users(result: SeedResult) -> dict:
    user_model = get_user_model()
    usernames = [username for username, _ in org.ROLE_LOGINS]
    users = {user.username: user for user in user_model.objects.filter(username__in=usernames)}
    result.users_kept = sorted(users)
    managers, _ = Group.objects.get_or_create(name=MANAGERS_GROUP)
    missing = [username for username in usernames if username not in users]
    # One hash for all demo logins: hashing is deliberately slow and the password is public anyway.
    password = make_password(org.PASSWORD) if missing else ""
    for username in missing:
        user = user_model.objects.create(
            username=username,
            email=f"{username}@{org.EMAIL_DOMAIN}",
            password=password,
            is_staff=username == "admin",
            is_superuser=username == "admin",
        )
        users[username] = user
        result.created["users"] += 1
        if username == "manager":
            user.groups.add(managers)
        elif username == org.INTEGRATION_USERNAME:
            user.user_permissions.add(
                *Permission.objects.filter(content_type__app_label="journeys", codename__in=org.INTEGRATION_PERMISSIONS)
            )
    return users


def _ensure_functions(result: SeedResult) -> dict[str, Function]:
    slugs = [spec.slug for spec in org.FUNCTIONS]
    names = [spec.name for spec in org.FUNCTIONS]
    found = list(Function.objects.filter(Q(slug__in=slugs) | Q(name__in=names)))
    by_slug = {function.slug: function for function in found}
    by_name = {function.name: function for function in found}
    functions, missing = {}, []
    for spec in org.FUNCTIONS:
        function = by_slug.get(spec.slug) or by_name.get(spec.name)
        if function is None:
            function = Function(slug=spec.slug, name=spec.name, description=spec.description)
            missing.append(function)
        functions[spec.slug] = function
    Function.objects.bulk_create(missing)
    result.created["functions"] += len(missing)
    return functions


def _ensure_people(result: SeedResult, functions: dict[str, Function], users: dict) -> dict[str, Person]:
    emails = {spec.handle: f"{spec.handle}@{org.EMAIL_DOMAIN}" for spec in org.PEOPLE}
    found = {person.email: person for person in Person.objects.filter(email__in=emails.values())}
    linked_user_ids = set(Person.objects.filter(user__isnull=False).values_list("user_id", flat=True))
    people, missing = {}, []
    for spec in org.PEOPLE:
        person = found.get(emails[spec.handle])
        if person is None:
            user = users.get(spec.username) if spec.username else None
            person = Person(
                name=spec.name,
                email=emails[spec.handle],
                title=spec.title,
                function=functions[spec.function] if spec.function else None,
                user=user if user is not None and user.pk not in linked_user_ids else None,
            )
            missing.append(person)
        people[spec.handle] = person
    Person.objects.bulk_create(missing)
    result.created["people"] += len(missing)
    # Heads are set only where a function has none, so a head chosen since is never overwritten.
    headless = []
    for spec in org.FUNCTIONS:
        function = functions[spec.slug]
        if spec.head and function.head_id is None:
            function.head = people[spec.head]
            headless.append(function)
    Function.objects.bulk_update(headless, ["head"])
    return people


def _ensure_incentives(result: SeedResult, functions: dict[str, Function]) -> dict[tuple[str, str], Incentive]:
    found = {
        (incentive.function_id, incentive.name): incentive
        for incentive in Incentive.objects.filter(function__in=list(functions.values()))
    }
    incentives, missing = {}, []
    for spec in org.INCENTIVES:
        function = functions[spec.function]
        incentive = found.get((function.pk, spec.name))
        if incentive is None:
            incentive = Incentive(
                function=function,
                name=spec.name,
                measure=spec.measure,
                target=spec.target,
                weight=spec.weight,
                active=spec.active,
            )
            missing.append(incentive)
        incentives[(spec.function, spec.name)] = incentive
    _history(missing, Incentive)
    result.created["incentives"] += len(missing)
    return incentives


# --- journeys and everything attached to them (only for journeys created now) ---------------


@dataclass
class _JourneyRows:
    journey: Journey
    stages: dict[str, Stage]
    touchpoints: dict[str, Touchpoint]


def _create_journeys(result, specs, calendar, functions, people) -> dict[str, _JourneyRows]:
    journeys = _history(
        [
            Journey(
                name=spec.name,
                slug=spec.slug,
                description=spec.description,
                status=spec.status,
                tier=spec.tier,
                service_position=spec.service_position,
                target_duration=dt.timedelta(days=spec.target_duration_days) if spec.target_duration_days else None,
                target_score=spec.target_score,
                window_days=spec.window_days,
                min_sample=spec.min_sample,
                map_reviewed_on=calendar.date(spec.map_reviewed),
            )
            for spec in specs
        ],
        Journey,
    )
    journeys = {journey.slug: journey for journey in Journey.objects.filter(slug__in=[spec.slug for spec in specs])}
    stages = _history(
        [
            Stage(journey=journeys[spec.slug], name=stage.name, position=position)
            for spec in specs
            for position, stage in enumerate(spec.stages, start=1)
        ],
        Stage,
    )
    stage_by_key = {
        (stage.journey_id, stage.name): stage for stage in Stage.objects.filter(journey__in=journeys.values())
    }
    touchpoints = []
    for spec in specs:
        journey = journeys[spec.slug]
        for stage in spec.stages:
            for position, touchpoint in enumerate(stage.touchpoints, start=1):
                touchpoints.append(
                    Touchpoint(
                        journey=journey,
                        stage=stage_by_key[(journey.pk, stage.name)],
                        key=touchpoint.key,
                        name=touchpoint.name,
                        channel=touchpoint.channel,
                        position=position,
                        is_moment_of_truth=touchpoint.moment_of_truth,
                        description=touchpoint.description,
                        **org.touchpoint_layers(spec.slug, touchpoint.key),
                    )
                )
    _history(touchpoints, Touchpoint)
    touchpoint_by_key = {
        (touchpoint.journey_id, touchpoint.key): touchpoint
        for touchpoint in Touchpoint.objects.filter(journey__in=journeys.values())
    }
    Responsibility.objects.bulk_create(
        [
            Responsibility(
                touchpoint=touchpoint_by_key[(journeys[spec.slug].pk, touchpoint.key)], function=functions[slug]
            )
            for spec in specs
            for stage in spec.stages
            for touchpoint in stage.touchpoints
            for slug in touchpoint.functions
        ]
    )
    for spec in specs:
        for ownership in spec.ownerships:
            _history(
                [
                    Ownership(
                        journey=journeys[spec.slug],
                        person=people[ownership.person],
                        mandate=ownership.mandate,
                        started_on=calendar.date(ownership.started),
                        ended_on=calendar.date(ownership.ended),
                    )
                ],
                Ownership,
                date=calendar.moment(ownership.started, hour=9),
            )
    _history(
        [
            TeamMembership(journey=journeys[spec.slug], person=people[handle], role=role)
            for spec in specs
            for handle, role in spec.team
        ],
        TeamMembership,
    )
    _history(
        [
            Persona(
                journey=journeys[spec.slug],
                name=persona.name,
                segment=persona.segment,
                goals=persona.goals,
                needs=persona.needs,
                pains=persona.pains,
            )
            for spec in specs
            for persona in spec.personas
        ],
        Persona,
    )
    result.created["personas"] += sum(len(spec.personas) for spec in specs)
    rows = {}
    for spec in specs:
        journey = journeys[spec.slug]
        rows[spec.slug] = _JourneyRows(
            journey=journey,
            stages={stage.name: stage for stage in stages if stage.journey_id == journey.pk},
            touchpoints={
                key: touchpoint
                for (journey_id, key), touchpoint in touchpoint_by_key.items()
                if journey_id == journey.pk
            },
        )
    result.created["journeys"] += len(specs)
    result.created["stages"] += len(stages)
    result.created["touchpoints"] += len(touchpoints)
    return rows


def _create_reviews(result, journeys, incentives, people, calendar) -> None:
    reviewer = people["priya.raman"]
    count = 0
    for spec in org.INCENTIVES:
        for review in spec.reviews:
            if review.journey not in journeys:
                continue
            reviewed_at = calendar.moment(review.day, hour=15)
            _history(
                [
                    IncentiveReview(
                        incentive=incentives[(spec.function, spec.name)],
                        journey=journeys[review.journey].journey,
                        verdict=review.verdict,
                        rationale=review.rationale,
                        reviewer=reviewer,
                        reviewed_at=reviewed_at,
                    )
                ],
                IncentiveReview,
                date=reviewed_at,
            )
            count += 1
    result.created["incentive reviews"] += count


def _create_activity(result, journeys, specs, calendar, *, days, scale, seed) -> dict[str, list[PlannedInstance]]:
    plans = {}
    now = timezone.now()
    for spec in specs:
        count = round(spec.base_instances * scale)
        if not count:
            continue
        rows = journeys[spec.slug]
        plan = plan_activity(slug=spec.slug, seed=seed, count=count, cutoff=calendar.cutoff, days=days)
        plans[spec.slug] = plan
        JourneyInstance.objects.bulk_create(
            [
                JourneyInstance(
                    journey=rows.journey,
                    external_id=instance.external_id,
                    customer_ref=instance.customer_ref,
                    segment=instance.segment,
                    started_at=instance.started_at,
                    ended_at=instance.ended_at,
                    outcome=instance.outcome,
                    satisfaction=instance.satisfaction,
                )
                for instance in plan
            ],
            batch_size=BATCH_SIZE,
        )
        instance_ids = dict(JourneyInstance.objects.filter(journey=rows.journey).values_list("external_id", "id"))
        interactions = [
            Interaction(
                instance_id=instance_ids[instance.external_id],
                external_id=f"{instance.external_id}-{position:02d}",
                touchpoint=rows.touchpoints[step.touchpoint],
                channel=step.channel,
                occurred_at=step.occurred_at,
                satisfaction=step.satisfaction,
                resolved=step.resolved,
                repeat=step.repeat,
                reidentified=step.reidentified,
            )
            for instance in plan
            for position, step in enumerate(instance.interactions, start=1)
        ]
        Interaction.objects.bulk_create(interactions, batch_size=BATCH_SIZE)
        Journey.objects.filter(pk=rows.journey.pk).update(data_changed_at=now)
        result.created["journey instances"] += len(plan)
        result.created["interactions"] += len(interactions)
    return plans


def _create_issues(result, journeys, functions, people, calendar) -> dict[str, Issue]:
    issues = {}
    links = []
    for spec in org.ISSUES:
        if spec.journey not in journeys:
            continue
        rows = journeys[spec.journey]
        touchpoint = rows.touchpoints[spec.touchpoint] if spec.touchpoint else None
        reported_at = calendar.moment(spec.reported, hour=11)
        (issue,) = _history(
            [
                Issue(
                    journey=rows.journey,
                    stage=touchpoint.stage if touchpoint else rows.stages.get(spec.stage),
                    touchpoint=touchpoint,
                    title=spec.title,
                    symptom=spec.symptom,
                    root_cause=spec.root_cause,
                    category=spec.category,
                    severity=spec.severity,
                    status=spec.status,
                    reported_by=people[spec.reported_by],
                    assignee=people[spec.assignee] if spec.assignee else None,
                    # As the service gives it: the severity's default from the day it was reported.
                    due_date=deadlines.default_due_date(spec.severity, logged_on=calendar.date(spec.reported)),
                )
            ],
            Issue,
            date=reported_at,
        )
        Issue.objects.filter(pk=issue.pk).update(created_at=reported_at)
        issues[spec.ref] = issue
        links += [Issue.functions.through(issue_id=issue.pk, function_id=functions[slug].pk) for slug in spec.functions]
    Issue.functions.through.objects.bulk_create(links)
    result.created["issues"] += len(issues)
    return issues


def _create_comments(result, issues, people, calendar) -> None:
    """The demo threads, posted through the service (mentions resolved; the mentioned told on commit).

    Only on issues created in this run, so a second run adds none; the times the story gives are set after.
    """
    for spec in org.COMMENTS:
        if spec.issue not in issues:
            continue
        comment = improvement_services.comment_post(item=issues[spec.issue], author=people[spec.author], body=spec.body)
        Comment.objects.filter(pk=comment.pk).update(created_at=calendar.moment(spec.day, hour=spec.hour))
        result.created["comments"] += 1


def _measure(spec: org.InitiativeSpec, journey_spec: org.JourneySpec, plan: list[PlannedInstance], calendar):
    """Baseline (the 90 days before the work) and, once measured, the result (the measurement window)."""
    target_duration = (
        dt.timedelta(days=journey_spec.target_duration_days) if journey_spec.target_duration_days else None
    )

    def value(start_day: int, end_day: int) -> float | None:
        start, end = calendar.moment(start_day, hour=0), calendar.moment(end_day, hour=0)
        sample = [
            instance
            for instance in plan
            if start <= instance.started_at < end and (not spec.segment or instance.segment == spec.segment)
        ]
        measured = component_value(spec.target_component, sample, target_duration=target_duration)
        return None if measured is None else round(measured, 3)

    anchor = spec.delivered if spec.delivered is not None else min(spec.start if spec.start is not None else 0, 0)
    baseline = value(anchor - 90, anchor)
    measured = None
    if spec.status == InitiativeStatus.MEASURED:
        measured = value(spec.delivered, spec.delivered + spec.measurement_days)
    return baseline, measured


def _create_initiatives(result, journeys, specs, functions, people, issues, plans, calendar) -> None:
    journey_specs = {spec.slug: spec for spec in specs}
    issue_links, function_links, updates = [], [], []
    count = 0
    for spec in org.INITIATIVES:
        if spec.journey not in journeys:
            continue
        baseline, measured = spec.baseline_value, spec.result_value
        if spec.measure_from_data and spec.journey in plans:
            baseline, measured = _measure(spec, journey_specs[spec.journey], plans[spec.journey], calendar)
        created_at = calendar.moment(spec.created, hour=14)
        (initiative,) = _history(
            [
                Initiative(
                    journey=journeys[spec.journey].journey,
                    title=spec.title,
                    hypothesis=spec.hypothesis,
                    lead=people[spec.lead],
                    status=spec.status,
                    target_component=spec.target_component,
                    baseline_value=baseline,
                    target_value=spec.target_value,
                    result_value=measured,
                    start_date=calendar.date(spec.start),
                    due_date=calendar.date(spec.due),
                    delivered_on=calendar.date(spec.delivered),
                    measurement_days=spec.measurement_days,
                    effort=spec.effort,
                    expected_gain=spec.expected_gain,
                    scope_segments=[spec.segment] if spec.segment else [],
                )
            ],
            Initiative,
            date=created_at,
        )
        Initiative.objects.filter(pk=initiative.pk).update(created_at=created_at)
        count += 1
        issue_links += [
            Initiative.issues.through(initiative_id=initiative.pk, issue_id=issues[ref].pk) for ref in spec.issues
        ]
        function_links += [
            Initiative.functions.through(initiative_id=initiative.pk, function_id=functions[slug].pk)
            for slug in spec.functions
        ]
        updates += [(initiative, update) for update in spec.updates]
    Initiative.issues.through.objects.bulk_create(issue_links)
    Initiative.functions.through.objects.bulk_create(function_links)
    created = InitiativeUpdate.objects.bulk_create(
        [
            InitiativeUpdate(
                initiative=initiative, author=people[update.author], body=update.body, progress=update.progress
            )
            for initiative, update in updates
        ]
    )
    # created_at is set on insert; the timeline needs the days the story gives.
    for row, (_, update) in zip(created, updates, strict=True):
        row.created_at = calendar.moment(update.day, hour=16)
    InitiativeUpdate.objects.bulk_update(created, ["created_at"])
    result.created["initiatives"] += count
    result.created["initiative updates"] += len(created)
    _assess_initiatives(journeys, calendar)


def _assess_initiatives(journeys, calendar) -> None:
    """What approval and measurement record, for initiatives the demo creates past those steps: the
    minimum detectable effect, and for measured ones the impact with its interval, from the activity."""
    assessed = Initiative.objects.filter(
        journey__in=[rows.journey for rows in journeys.values()],
        status__in=[InitiativeStatus.APPROVED, InitiativeStatus.IN_PROGRESS, InitiativeStatus.DELIVERED],
    )
    for initiative in assessed:
        improvement_services.initiative_assess_power(initiative=initiative, today=calendar.today)
    measured = Initiative.objects.filter(
        journey__in=[rows.journey for rows in journeys.values()], status=InitiativeStatus.MEASURED
    )
    for initiative in measured:
        try:
            improvement_services.initiative_record_impact(initiative=initiative, today=calendar.today)
        except ApplicationError:
            # A small demo (``--scale``) may hold no rated journey in a period: the initiative then shows
            # its old figures without an interval, as one measured before inference would.
            continue
