"""Audit history (django-simple-history) of several models merged into one feed: who changed what, when.

A feed is built from sources, one per historical model and filter (the journey's stages, its issues...).
A page of the feed costs a constant number of queries whatever its size and however many records
exist: one UNION query for the page's keys (and one to count them), then per source one query for
the records of the objects on the page (to diff each with its previous version) and one per related
model for the names that foreign keys point to.

Apps contribute sources to another app's feed through ``register_sources`` (from their
``AppConfig.ready()``), so that the app showing a feed need not know the models of the apps above it:
journeys' history page asks ``feed_sources(JOURNEY_FEED, journey)`` for owners' and improvements' parts.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import IntegerField, Q, Value
from django.utils import timezone
from django.utils.formats import date_format

EXCLUDED_FIELDS = {"id", "created_at", "updated_at", "version", "data_changed_at"}
PAGE_SIZE = 50


@dataclass(frozen=True)
class HistorySource:
    """The historical records of one model that belong in a feed."""

    label: str  # what a record is about, for people: "Stage", "Issue"...
    model: type  # the tracked model (``Stage``); its records are ``model.history.model``
    condition: Q  # which records, on the historical model's columns (``Q(journey_id=7)``)
    subject_field: str  # the field that names the object ("name", "title", "person"...)


JOURNEY_FEED = "journey"

# feed name -> builders ``(obj) -> list[HistorySource]``, in registration (INSTALLED_APPS) order
_feed_builders: dict[str, list[Callable[..., list[HistorySource]]]] = defaultdict(list)


def register_sources(feed: str, builder: Callable[..., list[HistorySource]]) -> None:
    """Add the sources ``builder(obj)`` returns to every ``feed`` page about ``obj``; once per builder."""
    if builder not in _feed_builders[feed]:
        _feed_builders[feed].append(builder)


def feed_sources(feed: str, obj) -> list[HistorySource]:
    """The sources every registered builder gives for ``obj``, in registration order."""
    return [source for builder in _feed_builders[feed] for source in builder(obj)]


@dataclass
class HistoryChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: str
    kind: str  # "created", "changed" or "deleted"
    label: str  # the source's label
    subject: str  # the object's name at that time
    changes: list[HistoryChange] = field(default_factory=list)


# Higher apps say how people are named and how some values read (owners: a login's person; improvements:
# an initiative's component values), so the history reads as the pages do. Filled from AppConfig.ready().
_people_namers: list[Callable[[set[int]], dict[int, str]]] = []
_value_formats: dict[tuple[type, str], Callable[[Any, Any], str]] = {}


def register_people_names(namer: Callable[[set[int]], dict[int, str]]) -> None:
    """``namer(user ids) -> {user id: the person's name}``, in one query for them all."""
    _people_namers.append(namer)


def register_value_format(model: type, field_name: str, formatter: Callable[[Any, Any], str]) -> None:
    """``formatter(historical record, raw value) -> str`` for one field of a tracked model."""
    _value_formats[model, field_name] = formatter


def people_names(records) -> dict[int, str]:
    """{user id: name} of the users who made the records, one query per registered namer."""
    user_ids = {record.history_user_id for record in records if getattr(record, "history_user_id", None)}
    names: dict[int, str] = {}
    if user_ids:
        for namer in _people_namers:
            names.update(namer(user_ids))
    return names


def user_label(user, people: dict[int, str] | None = None) -> str:
    if user is None:
        return "System"
    if people and user.pk in people:
        return people[user.pk]
    return user.get_full_name() or user.username


def _fields(model) -> list:
    return [f for f in model._meta.concrete_fields if f.name not in EXCLUDED_FIELDS]


def related_names(model_records) -> dict:
    """related model -> {pk: str} for the foreign keys of (model, historical record) pairs.

    One query per related model, however many records.
    """
    ids = defaultdict(set)
    for model, record in model_records:
        for f in _fields(model):
            if f.is_relation and getattr(record, f.attname) is not None:
                ids[f.related_model].add(getattr(record, f.attname))
    return {model: {pk: str(obj) for pk, obj in model.objects.in_bulk(pks).items()} for model, pks in ids.items()}


def changes(model, previous, record, names) -> list[HistoryChange]:
    """What differs between two historical records of one object, with labels and displayed values."""
    return [
        HistoryChange(
            label=str(f.verbose_name).capitalize(),
            old=_display(f, getattr(previous, f.attname), names, model=model, record=previous),
            new=_display(f, getattr(record, f.attname), names, model=model, record=record),
        )
        for f in _fields(model)
        if getattr(previous, f.attname) != getattr(record, f.attname)
    ]


def history_page(sources: list[HistorySource], *, page_number=1, per_page: int = PAGE_SIZE) -> Page:
    """One page of the merged feed, newest first; its ``object_list`` is a list of ``HistoryEntry``."""
    keys = None
    for index, source in enumerate(sources):
        part = (
            source.model.history.model.objects.filter(source.condition)
            .annotate(source=Value(index, output_field=IntegerField()))
            .values_list("history_date", "history_id", "source")
            .order_by()  # historical models order by date; a part of a UNION may not
        )
        keys = part if keys is None else keys.union(part, all=True)
    keys = keys.order_by("-history_date", "-history_id")
    page = Paginator(keys, per_page).get_page(page_number)
    page.object_list = _entries(sources, list(page.object_list))
    return page


def _entries(sources: list[HistorySource], keys: list[tuple]) -> list[HistoryEntry]:
    wanted = defaultdict(set)  # source index -> history ids on the page
    for _, history_id, index in keys:
        wanted[index].add(history_id)

    records = {}  # (source index, history_id) -> (record, previous record of the same object or None)
    for index, history_ids in wanted.items():
        historical = sources[index].model.history.model
        on_page = historical.objects.filter(history_id__in=history_ids).values_list("id", flat=True)
        latest = max(date for date, history_id, source in keys if source == index)
        versions = (
            historical.objects.filter(id__in=on_page, history_date__lte=latest)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        previous = None
        for record in versions:
            if record.history_id in history_ids:
                same_object = previous is not None and previous.id == record.id
                records[index, record.history_id] = (record, previous if same_object else None)
            previous = record

    names = related_names(
        (sources[index].model, record) for (index, _), pair in records.items() for record in pair if record is not None
    )
    people = people_names(record for record, _ in records.values())
    entries = []
    for _, history_id, index in keys:
        record, previous = records[index, history_id]
        entries.append(_entry(sources[index], record, previous, names, people))
    return entries


def _display(f, raw, names, *, model=None, record=None) -> str:
    """A value as the pages show it: names for people and links, labels for choices, yes/no, dates."""
    if raw is None or raw == "":
        return "–"
    formatter = _value_formats.get((model, f.name))
    if formatter is not None and record is not None:
        return formatter(record, raw)
    if f.is_relation:
        return names.get(f.related_model, {}).get(raw, f"#{raw} (deleted)")
    if f.choices:
        return str(dict(f.flatchoices).get(raw, raw))
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, dt.datetime):
        return date_format(timezone.localtime(raw) if timezone.is_aware(raw) else raw, "j M Y H:i")
    if isinstance(raw, dt.date):
        return date_format(raw, "j M Y")
    if isinstance(raw, dt.timedelta):
        days = raw.days
        return f"{days} day{'s' if days != 1 else ''}"
    if isinstance(raw, Decimal | float):
        return f"{raw:.2f}".rstrip("0").rstrip(".")
    return str(raw)


def _entry(source: HistorySource, record, previous, names, people) -> HistoryEntry:
    model = source.model
    subject_field = model._meta.get_field(source.subject_field)
    subject = _display(subject_field, getattr(record, subject_field.attname), names)
    who = user_label(record.history_user, people)
    if record.history_type == "-":
        return HistoryEntry(record.history_date, who, "deleted", source.label, subject)
    if record.history_type == "+" or previous is None:
        return HistoryEntry(record.history_date, who, "created", source.label, subject)
    return HistoryEntry(
        record.history_date, who, "changed", source.label, subject, changes(model, previous, record, names)
    )
