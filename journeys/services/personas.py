"""Writes of personas (issue 20 item 3): a journey's kinds of customer, each standing for a segment of its data.

Keyword-only, one transaction each, validated before saving: bad input raises ``ValidationError`` with
field messages (400 in the API, form errors on the page). The journey's row is locked while a name is
checked, so two people adding "Busy parent" at once get one persona and one clear refusal.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Journey, Persona
from ..records import value_problems

PERSONA_EDITABLE_FIELDS = ("name", "segment", "goals", "needs", "pains")


def _lock_journey(journey_id: int) -> None:
    list(Journey.objects.select_for_update().filter(pk=journey_id).values_list("pk", flat=True))


def _clean_and_save(persona: Persona) -> Persona:
    for name in PERSONA_EDITABLE_FIELDS:
        setattr(persona, name, (getattr(persona, name) or "").strip())
    errors = value_problems(persona, identifiers=("segment",), moments=())
    others = Persona.objects.filter(journey_id=persona.journey_id, name=persona.name)
    if persona.pk:
        others = others.exclude(pk=persona.pk)
    if persona.name and others.exists():
        errors["name"] = "This journey already has a persona with this name."
    if not persona.segment:
        errors.setdefault(
            "segment", "Name the customer segment this persona stands for, as the journey's data records it."
        )
    if errors:
        raise ValidationError(errors)
    persona.full_clean()
    persona.save()
    return persona


@transaction.atomic
def persona_create(
    *, journey: Journey, name: str, segment: str, goals: str = "", needs: str = "", pains: str = ""
) -> Persona:
    """Add a persona to a journey; its name is unique within the journey."""
    _lock_journey(journey.pk)
    persona = Persona(journey=journey, name=name, segment=segment, goals=goals, needs=needs, pains=pains)
    return _clean_and_save(persona)


@transaction.atomic
def persona_update(*, persona: Persona, **changes) -> Persona:
    """Change a persona's name, segment, goals, needs or pains. It cannot move to another journey."""
    unknown = set(changes) - set(PERSONA_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be changed."))
    _lock_journey(persona.journey_id)
    current = Persona.objects.get(pk=persona.pk)
    for name, value in changes.items():
        setattr(current, name, value)
    return _clean_and_save(current)


@transaction.atomic
def persona_delete(*, persona: Persona) -> None:
    """Remove a persona. Its history stays in the journey's audit history; the data it drew on is untouched."""
    _lock_journey(persona.journey_id)
    persona.delete()
