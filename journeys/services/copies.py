"""Writes that start a journey's map from another map: a copy of a journey, or a template (issue 20.4).

Only the map is copied: the journey's settings, its stages and touchpoints with every map field, its
personas (who the map is drawn for: their curves are measured afresh from the copy's own data), and
(through ``map_copied``, in the same transaction) what other apps hang on the map, such as the
responsibilities. Never the data: instances, interactions, snapshots, issues, initiatives, ownership
and team stay with the source. Retired stages and touchpoints are left out: they are kept for the
source's history, and a new map has no history to keep.

Fields are copied generically (every concrete field but those listed below), so a field added to
Journey, Stage or Touchpoint is copied without touching this module; ``tests/journeys/services/
test_copies.py`` fails when a new field is neither copied nor listed here.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import models, transaction

from ..choices import JourneyStatus
from ..map_templates import MapTemplate, template_get
from ..models import Journey, Persona, Stage, Touchpoint
from ..signals import map_copied, map_drawn_from_template
from .maps import JOURNEY_EDITABLE_FIELDS, RESERVED_SLUGS, _unique_slug

# Fields a copy does not take from its source: its own identity, its own clock, what only data or a
# review sets, and the links that are re-pointed at the copy.
JOURNEY_FIELDS_NOT_COPIED = frozenset(
    {"id", "name", "slug", "status", "version", "created_at", "updated_at", "data_changed_at", "map_reviewed_on"}
)
STAGE_FIELDS_NOT_COPIED = frozenset({"id", "journey", "position", "created_at", "updated_at", "retired_at"})
TOUCHPOINT_FIELDS_NOT_COPIED = frozenset(
    {"id", "journey", "stage", "key", "position", "created_at", "updated_at", "retired_at"}
)
PERSONA_FIELDS_NOT_COPIED = frozenset({"id", "journey", "created_at", "updated_at"})
KEY_MAX_LENGTH = Touchpoint._meta.get_field("key").max_length


def copied_fields(model: type[models.Model], not_copied: frozenset[str]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if field.name not in not_copied]


def _copy_values(source: models.Model, fields: list[models.Field]) -> dict:
    return {field.attname: getattr(source, field.attname) for field in fields}


def _check_slug(slug: str) -> None:
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": f'"{slug}" is reserved; choose another slug.'})
    try:
        validate_slug(slug)
    except ValidationError:
        raise ValidationError({"slug": "Use only letters, numbers, hyphens and underscores in the slug."}) from None
    if Journey.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": "Another journey already uses this slug."})


def resolve_keys(source_keys: list[str], keys: dict[str, str] | None) -> dict[str, str]:
    """The copy's key for every source key: the one chosen in ``keys``, otherwise the source's own.

    Refuses keys of no touchpoint, keys that are no valid slug and two touchpoints with one key.
    """
    keys = dict(keys or {})
    unknown = sorted(set(keys) - set(source_keys))
    if unknown:
        raise ValidationError({"keys": f"No touchpoint of the map has the key {', '.join(unknown)}."})
    chosen = {key: (keys.get(key) or key).strip() for key in source_keys}
    problems = []
    for source_key, key in chosen.items():
        try:
            validate_slug(key)
        except ValidationError:
            problems.append(
                f'"{key}" (for {source_key}) is not a valid key: use letters, numbers, hyphens, underscores.'
            )
        if len(key) > KEY_MAX_LENGTH:
            problems.append(f'"{key}" (for {source_key}) is longer than {KEY_MAX_LENGTH} characters.')
    seen: dict[str, str] = {}
    for source_key, key in chosen.items():
        if key in seen:
            problems.append(f'"{key}" is chosen for both {seen[key]} and {source_key}; keys are unique in a journey.')
        seen.setdefault(key, source_key)
    if problems:
        raise ValidationError({"keys": problems})
    return chosen


def _new_journey(*, values: dict, name: str, slug: str, overrides: dict | None) -> Journey:
    if not name.strip():
        raise ValidationError({"name": "Give the new journey a name."})
    if slug:
        _check_slug(slug)
    unknown = set(overrides or {}) - set(JOURNEY_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be set here."))
    journey = Journey(**values)
    journey.name = name.strip()
    journey.slug = slug or _unique_slug(name)
    # A new map runs no journeys yet: it stays out of the portfolio until its owner makes it active.
    journey.status = JourneyStatus.DRAFT
    for field, value in (overrides or {}).items():
        setattr(journey, field, value)
    journey.full_clean()
    journey.save()
    return journey


def map_source_touchpoints(source: Journey) -> list[Touchpoint]:
    """The touchpoints a copy of ``source`` takes: those in use, in map order."""
    return list(
        Touchpoint.objects.in_use()
        .filter(journey=source)
        .select_related("stage")
        .order_by("stage__position", "stage_id", "position", "id")
    )


@transaction.atomic
def journey_copy(
    *, source: Journey, name: str, slug: str = "", keys: dict[str, str] | None = None, overrides: dict | None = None
) -> Journey:
    """A new draft journey with ``source``'s map (stages, touchpoints, personas, responsibilities...), never its data.

    ``keys`` maps a source touchpoint key to the copy's key (default: the same key; keys are unique per
    journey only, so integrations can feed both). Nothing is created when anything is refused.
    """
    touchpoints = map_source_touchpoints(source)
    chosen = resolve_keys([touchpoint.key for touchpoint in touchpoints], keys)
    journey = _new_journey(
        values=_copy_values(source, copied_fields(Journey, JOURNEY_FIELDS_NOT_COPIED)),
        name=name,
        slug=slug,
        overrides=overrides,
    )
    stage_fields = copied_fields(Stage, STAGE_FIELDS_NOT_COPIED)
    touchpoint_fields = copied_fields(Touchpoint, TOUCHPOINT_FIELDS_NOT_COPIED)
    stages = Stage.objects.in_use().filter(journey=source).order_by("position", "id")
    new_stages = {}
    for position, stage in enumerate(stages):
        copy = Stage(journey=journey, position=position, **_copy_values(stage, stage_fields))
        copy.full_clean()
        copy.save()
        new_stages[stage.pk] = copy
    pairs = {}
    positions: dict[int, int] = {}
    for touchpoint in touchpoints:
        stage = new_stages[touchpoint.stage_id]
        copy = Touchpoint(
            journey=journey,
            stage=stage,
            key=chosen[touchpoint.key],
            position=positions.get(stage.pk, 0),
            **_copy_values(touchpoint, touchpoint_fields),
        )
        copy.full_clean()
        copy.save()
        positions[stage.pk] = copy.position + 1
        pairs[touchpoint.pk] = copy.pk
    persona_fields = copied_fields(Persona, PERSONA_FIELDS_NOT_COPIED)
    for persona in Persona.objects.filter(journey=source).order_by("name", "id"):
        Persona.objects.create(journey=journey, **_copy_values(persona, persona_fields))  # audited, like the map
    map_copied.send(sender=Journey, source=source, journey=journey, touchpoints=pairs)
    return journey


@transaction.atomic
def journey_create_from_template(
    *,
    template: str | MapTemplate,
    name: str = "",
    slug: str = "",
    keys: dict[str, str] | None = None,
    overrides: dict | None = None,
) -> Journey:
    """A new draft journey drawn from a template: its stages, touchpoints, moments of truth and, where
    the organisation has the functions the template names, its responsibilities."""
    if isinstance(template, str):
        found = template_get(template)
        if found is None:
            raise ValidationError({"template": f'There is no template "{template}".'})
        template = found
    chosen = resolve_keys([touchpoint.key for touchpoint in template.touchpoints], keys)
    journey = _new_journey(
        values={
            "description": template.description,
            "tier": template.tier,
            "service_position": template.service_position,
            "target_duration": (
                None if template.target_duration_days is None else dt.timedelta(days=template.target_duration_days)
            ),
        },
        name=name or template.name,
        slug=slug,
        overrides=overrides,
    )
    function_slugs = {}
    for stage_position, stage_template in enumerate(template.stages):
        stage = Stage(journey=journey, name=stage_template.name, position=stage_position)
        stage.full_clean()
        stage.save()
        for position, item in enumerate(stage_template.touchpoints):
            touchpoint = Touchpoint(
                journey=journey,
                stage=stage,
                key=chosen[item.key],
                name=item.name,
                channel=item.channel,
                is_moment_of_truth=item.moment_of_truth,
                description=item.description,
                position=position,
            )
            touchpoint.full_clean()
            touchpoint.save()
            function_slugs[touchpoint.pk] = item.functions
    map_drawn_from_template.send(sender=Journey, journey=journey, template=template, function_slugs=function_slugs)
    return journey
