"""Big read lists represented without DRF's per-field overhead, from the serializer's own fields.

A list page of 50 rows of 15-20 fields asks DRF for about a thousand ``field.get_attribute`` and
``field.to_representation`` calls, each walking ``source_attrs`` with ``isinstance`` and
``inspect`` checks, enforcing time zones, looking for ``PKOnlyObject``, and one ``reverse()``
per row for a hyperlink: profiled, that was most of a built page's CPU. ``FastListSerializer``
compiles each readable field of the child serializer once per page into one small function of
the row that gives the same value DRF would, and builds every row with those. The serializer
stays the one place that says which fields a list has (its ``Meta.fields``, declared fields,
``SerializerMethodField``\\ s), and the schema still comes from it.

A field of a kind not compiled here (a nested serializer, a decimal, a custom field) goes through
its own ``get_attribute``/``to_representation``: same output, DRF's speed.
``tests/core/test_representation.py`` and each list's test compare both ways row by row.

Use it on a list serializer with ``Meta.list_serializer_class = FastListSerializer`` (and
``Meta.list_columns`` for fields a list's selector gives as columns, see ``represent``).
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import keyword
import types
from typing import NamedTuple
from urllib.parse import quote

from django.db import models
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.duration import duration_string
from rest_framework import DJANGO_DURATION_FORMAT, ISO_8601, relations, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings

from core.reversing import URL_SAFE

# What DRF's fields.get_attribute calls when it finds it (is_simple_callable): such a value goes the slow way.
# The query parameter that chooses the fields of an answer (``choose_fields``, ``core.api.ChosenFieldsMixin``).
FIELDS_PARAM = "fields"
CALLABLE_TYPES = (types.FunctionType, types.MethodType, types.BuiltinFunctionType, functools.partial)
SENTINEL = "fastrepresentationsentinel"


def _slow(field):
    """DRF's own way: the field's get_attribute and to_representation (with the None check of Serializer)."""

    def value(row):
        attribute = field.get_attribute(row)
        present = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        return None if present is None else field.to_representation(attribute)

    value.slow = True
    return value


def _getter(field, own):
    """The attribute at ``field.source_attrs`` of a row; DRF's get_attribute wherever it would do more than getattr.

    ``own()`` gives the field of the serializer being represented, for DRF's own get_attribute (its
    defaults may need the serializer's context); ``field`` may be a shared copy of it (``_class_fields``).
    """
    attrs = tuple(field.source_attrs)
    if len(attrs) == 1:
        (name,) = attrs

        def get(row):
            try:
                value = row[name] if type(row) is dict else getattr(row, name)
            except Exception:  # noqa: BLE001 - defaults, allow_null, SkipField: DRF decides
                return own().get_attribute(row)
            if isinstance(value, CALLABLE_TYPES):
                return own().get_attribute(row)
            return value

        return get

    def get_chain(row):
        value = row
        try:
            for name in attrs:
                value = getattr(value, name)
                if isinstance(value, CALLABLE_TYPES):
                    return own().get_attribute(row)
        except Exception:  # noqa: BLE001 - a missing relation (None.name) has DRF's default handling
            return own().get_attribute(row)
        return value

    return get_chain


def _datetime_converter(field):
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if output_format is None or output_format.lower() != ISO_8601:
        return None
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    if zone is None:
        return None

    # A value already in UTC (as psycopg gives them) needs no conversion to a UTC zone: the same text.
    to_utc = zone is dt.UTC or getattr(zone, "key", None) in ("UTC", "Etc/UTC")

    def convert(value):
        if to_utc and type(value) is dt.datetime and value.tzinfo is dt.UTC:
            return value.isoformat()[:-6] + "Z"
        if isinstance(value, str) or not timezone.is_aware(value):
            return field.to_representation(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    convert.inline = "{p}(v)"
    return convert


def _date_converter(field):
    output_format = getattr(field, "format", api_settings.DATE_FORMAT)
    if output_format is None or output_format.lower() != ISO_8601:
        return None

    def convert(value):
        return value if isinstance(value, str) else value.isoformat()

    convert.inline = "v if isinstance(v, str) else v.isoformat()"
    return convert


def _duration_converter(field):
    output_format = getattr(field, "format", api_settings.DURATION_FORMAT)
    if not isinstance(output_format, str) or output_format.lower() != DJANGO_DURATION_FORMAT:
        return None

    def convert(value):
        return duration_string(value)

    convert.inline = ("{p}(v)", duration_string)
    return convert


def _converter(field):
    """A function value -> representation equal to ``field.to_representation`` for the usual types, or None."""
    if isinstance(field, serializers.DateTimeField):
        return _datetime_converter(field)
    if isinstance(field, serializers.DateField):
        return _date_converter(field)
    if isinstance(field, serializers.ChoiceField) and not isinstance(field, serializers.MultipleChoiceField):
        lookup = field.choice_strings_to_values

        def convert_choice(value):
            if value in ("", None):
                return value
            return lookup.get(str(value), value)

        convert_choice.inline = ("v if v == '' else {p}(v if type(v) is str else str(v), v)", lookup.get)
        return convert_choice
    if isinstance(field, serializers.BooleanField):
        true, false = field.TRUE_VALUES, field.FALSE_VALUES

        def convert_boolean(value):
            if value is True or value is False:
                return value
            return field.to_representation(value) if (value in true or value in false) else bool(value)

        convert_boolean.inline = "v if v is True or v is False else {p}(v)"
        return convert_boolean
    if type(field) in (serializers.CharField, serializers.EmailField, serializers.SlugField, serializers.URLField):

        def convert_text(value):
            return value if type(value) is str else str(value)

        convert_text.inline = "v if type(v) is str else str(v)"
        return convert_text
    if type(field) is serializers.IntegerField or (
        type(field) is serializers.BigIntegerField
        and not getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)
    ):

        def convert_integer(value):
            return value if type(value) is int else int(value)

        convert_integer.inline = "v if type(v) is int else int(v)"
        return convert_integer
    if type(field) is serializers.FloatField:

        def convert_float(value):
            return value if type(value) is float else float(value)

        convert_float.inline = "v if type(v) is float else float(v)"
        return convert_float
    if type(field) is serializers.DurationField:
        return _duration_converter(field)
    if type(field) in (serializers.ReadOnlyField, serializers.JSONField) and not getattr(field, "binary", False):

        def convert_as_is(value):
            return value

        convert_as_is.inline = "v"
        return convert_as_is
    if type(field) is serializers.ModelField:
        return None
    return None


def _hyperlink(field, context, own):
    """A HyperlinkedIdentityField's URL by string formatting: reverse() once per page, not once per row."""
    request = context.get("request")
    if request is None or context.get("format") or getattr(request, "version", None) is not None:
        return None
    try:
        template = reverse(field.view_name, kwargs={field.lookup_url_kwarg: SENTINEL}, request=request)
    except NoReverseMatch:
        return None
    if template.count(SENTINEL) != 1:
        return None
    prefix, suffix = template.split(SENTINEL)
    lookup = field.lookup_field

    def url(row):
        value = row[lookup] if type(row) is dict else getattr(row, lookup)
        if value in ("", None):  # DRF answers None for an unsaved object; the slow path decides
            return own().to_representation(row)
        return prefix + quote(str(value), safe=URL_SAFE) + suffix

    return url


def _compile_field(field, parent, context, model, own=None):
    """One function row -> the field's representation, or SkipField raised as DRF would.

    ``own()`` gives ``parent``'s own field of that name where DRF's code must run (by default ``field``
    itself); a function that is DRF's own way throughout is marked ``slow``.
    """
    if own is None:

        def own():
            return field

    if isinstance(field, serializers.SerializerMethodField):
        return getattr(parent, field.method_name)
    if isinstance(field, relations.HyperlinkedIdentityField):
        return _hyperlink(field, context, own) or _slow(field)
    if field.source == "*":
        return _slow(field)
    if isinstance(field, relations.ManyRelatedField):
        child = field.child_relation
        if type(child) is relations.SlugRelatedField and len(field.source_attrs) == 1:
            name, slug = field.source_attrs[0], child.slug_field
            return lambda row: [getattr(item, slug) for item in getattr(row, name).all()]
        return _slow(field)
    if type(field) is relations.SlugRelatedField:
        get, slug = _getter(field, own), field.slug_field

        def slug_of(row):
            related = get(row)
            return None if related is None else getattr(related, slug)

        return slug_of
    if type(field) is relations.PrimaryKeyRelatedField and field.pk_field is None:
        model_field = _model_field(model, field.source) if len(field.source_attrs) == 1 else None
        if isinstance(model_field, models.ForeignKey) and model_field.target_field.primary_key:
            attname = model_field.attname

            def key(row):
                return getattr(row, attname)

            if _attribute_name(attname):
                key.inline = Inline(model, attname, "v")
            return key
        return _slow(field)
    convert = _converter(field)
    if convert is None:
        return _slow(field)
    get = _getter(field, own)

    def value(row):
        attribute = get(row)
        return None if attribute is None else convert(attribute)

    inline = getattr(convert, "inline", None)
    if inline is not None and len(field.source_attrs) == 1 and _plain_column(model, field.source):
        template, parameter = inline if isinstance(inline, tuple) else (inline, convert)
        value.inline = Inline(model, field.source, template, parameter)
    return value


class Inline(NamedTuple):
    """How ``_builder`` reads a field in the row loop itself: ``template`` of ``v``, the row's ``attribute``
    (a concrete column of ``model``), with ``{p}`` standing for ``parameter``; None stays None."""

    model: type
    attribute: str
    template: str
    parameter: object = None


def _plain_column(model, name: str) -> bool:
    """Whether ``name`` is a concrete, non-relation column of ``model`` read by its own attribute name."""
    model_field = _model_field(model, name)
    return (
        model_field is not None
        and getattr(model_field, "concrete", False)
        and not model_field.is_relation
        and model_field.attname == name
        and _attribute_name(name)
    )


def _attribute_name(name: str) -> bool:
    """Whether ``row.<name>`` can be written in the row loop's source."""
    return name.isidentifier() and not keyword.iskeyword(name)


def _model_field(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - not a model field (an annotation, a property)
        return None


def compile_fields(serializer) -> list[tuple[str, object]]:
    """(name, function of a row) for each readable field of ``serializer`` it represents, in its order.

    Every readable field, or those of ``chosen_fields`` (``choose_fields``: a request's ``?fields=``).
    """
    context = serializer.context
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    chosen = getattr(serializer, "chosen_fields", None)
    shared = _class_fields(type(serializer))
    if shared is not None:
        compiled = []
        for field in shared:
            name = field.field_name
            if chosen is not None and name not in chosen:
                continue
            context_free = _context_free(field)  # a hyperlink never is: it needs the page's request
            if context_free:
                own = None  # the shared field's own code gives what this serializer's would
            else:

                def own(name=name):
                    return serializer.fields[name]

            value = _compile_field(field, serializer, context, model, own)
            if getattr(value, "slow", False) and not context_free:
                break  # DRF's own code with a shared field would miss this serializer's context
            compiled.append((name, value))
        else:
            return compiled
    return [
        (field.field_name, _compile_field(field, serializer, context, model))
        for field in serializer._readable_fields
        if chosen is None or field.field_name in chosen
    ]


def _context_free(field) -> bool:
    """Whether DRF's own get_attribute / to_representation of ``field`` never read the serializer's context:
    one of DRF's plain fields or relations that link by key or slug (not a hyperlink, a nested serializer or
    a custom field), with a default that does not ask for the context."""
    plain = type(field).__module__ == "rest_framework.fields" or type(field) in (
        relations.PrimaryKeyRelatedField,
        relations.SlugRelatedField,
    )
    return plain and not getattr(field.default, "requires_context", False)


# What a serializer class may override and still build the same fields for every instance of it:
# these build them from the class alone (Meta, declared fields), never from the context or arguments.
FIELD_BUILDERS = (
    "__init__",
    "fields",
    "_readable_fields",
    "get_fields",
    "get_field_names",
    "get_default_field_names",
    "get_extra_kwargs",
    "include_extra_kwargs",
    "build_field",
    "build_standard_field",
    "build_relational_field",
    "build_nested_field",
    "build_property_field",
    "build_url_field",
    "build_unknown_field",
    "get_uniqueness_extra_kwargs",
)


@functools.cache
def _class_fields(serializer_class) -> tuple | None:
    """The readable fields of a serializer class, built once for the process; None if it builds its own.

    DRF builds a ModelSerializer's fields for every instance (``get_fields``: the declared fields
    deep-copied, a field per model field with its kwargs): for a list of 15-20 fields, 1-2 ms of every
    list request. A class that leaves every builder to DRF gets the same fields every time, so one set
    built without context serves every page; what needs the page's context (hyperlinks, method
    fields, DRF's own code for a default) is taken from the serializer being represented.
    """
    for name in FIELD_BUILDERS:
        attribute = inspect.getattr_static(serializer_class, name, None)
        function = getattr(attribute, "fget", None) or getattr(attribute, "func", None) or attribute
        if function is not None and not getattr(function, "__module__", "").startswith("rest_framework."):
            return None
    return tuple(serializer_class()._readable_fields)


def represent(serializer, rows) -> list[dict]:
    """The rows as ``serializer.to_representation`` gives each, with the fields compiled once.

    A field named in the serializer's ``Meta.list_columns`` (field name -> row attribute) is read from
    that attribute of each row as it is: a selector's annotation that gives what the field would (a
    related object's slug as a column of the row, so the list builds no related model).
    """
    compiled = compile_fields(serializer)
    columns = getattr(getattr(serializer, "Meta", None), "list_columns", None)
    if columns:
        compiled = [(name, _column(columns[name], value) if name in columns else value) for name, value in compiled]
    return _builder(compiled)(rows)


def _column(attribute: str, field_value):
    """The row's ``attribute``; the field's own reading for a row without it (one not from the selector)."""

    def value(row):
        try:
            return row[attribute] if type(row) is dict else getattr(row, attribute)
        except (KeyError, AttributeError):
            return field_value(row)

    return value


def _build_one(compiled):
    def build_one(row):
        values = {}
        for name, value in compiled:
            try:  # noqa: SIM105 - contextlib.suppress would cost a context manager per field and row
                values[name] = value(row)
            except SkipField:
                pass
        return values

    return build_one


def _builder(compiled):
    """A function rows -> representations, its loop written out field by field and compiled.

    A loop over the compiled fields calls two or three small functions per field and row (the
    value, its getter, its converter): for 50 rows of 19 fields, about a thousand calls a page.
    Written out, a plain column of the model is read and converted in the loop itself (``Inline``:
    ``row.name``, a type check, a conversion), and every other field is one call of its compiled
    function. A dict of the model's columns (a ``values()`` queryset's row) is read by key the same way; any
    other row (a subclass, another dict) goes the general way.
    The source depends only on the fields' kinds, so its compiled code is kept for the process.
    """
    namespace = {"SkipField": SkipField, "build_one": _build_one(compiled)}
    model = next((value.inline.model for _name, value in compiled if getattr(value, "inline", None)), None)
    of_model, of_dict = [], []  # the loop's body for a model's row, and for a dict of its columns
    for index, (name, value) in enumerate(compiled):
        inline = getattr(value, "inline", None)
        key = repr(name)
        if inline is None or inline.model is not model:
            namespace[f"f{index}"] = value
            call = ["try:", f"    d[{key}] = f{index}(row)", "except SkipField:", "    pass"]
            of_model += call
            of_dict += call
            continue
        if inline.template != "v":
            namespace[f"p{index}"] = inline.parameter
        expression = inline.template.replace("{p}", f"p{index}")
        for body, read in ((of_model, f"row.{inline.attribute}"), (of_dict, f"row[{inline.attribute!r}]")):
            if inline.template == "v":
                body.append(f"d[{key}] = {read}")
            else:
                body += [f"v = {read}", f"d[{key}] = None if v is None else ({expression})"]
    lines = ["def build(rows):", "    out = []", "    append = out.append", "    for row in rows:"]
    if model is None:
        lines += _indented(["d = {}", *of_model], 8)
    else:
        # A model's row, or a dict of its columns (``values()``: keyed by the attribute names); any other row (a
        # subclass, a dict without one of the columns) goes the general way.
        namespace["M"] = model
        lines += ["        if type(row) is M:", *_indented(["d = {}", *of_model], 12)]
        lines += ["        elif type(row) is dict:", "            try:", *_indented(["d = {}", *of_dict], 16)]
        lines += ["            except KeyError:", "                d = build_one(row)"]
        lines += ["        else:", "            d = build_one(row)"]
    source = "\n".join([*lines, "        append(d)", "    return out", ""])
    exec(_code(source), namespace)  # noqa: S102 - our own source, from field names and fixed templates
    return namespace["build"]


def _indented(body: list[str], spaces: int) -> list[str]:
    return [" " * spaces + line for line in body]


@functools.lru_cache(maxsize=512)
def _code(source: str):
    return compile(source, "<core.representation._builder>", "exec")


@functools.cache
def _plain_builder(serializer_class):
    return _builder(compile_fields(serializer_class()))


def represent_plain(serializer_class, rows) -> list[dict]:
    """``serializer_class(rows, many=True).data`` for rows (objects or dicts) of a serializer without context.

    Its fields have no hyperlinks or request, so they and their row loop are compiled once per class for
    the process (a snapshot list calls this three times a row).
    """
    return _plain_builder(serializer_class)(rows)


def rows_of(data) -> list:
    """The rows a list serializer was given, read once: a related manager's, or the queryset or list itself."""
    return list(data.all() if isinstance(data, models.manager.BaseManager) else data)


class FastListSerializer(serializers.ListSerializer):
    """A ListSerializer whose read builds rows with ``represent`` (the child's fields, compiled once)."""

    def to_representation(self, data):
        if not _fast(self):
            return super().to_representation(data)  # the child represents rows its own way
        iterable = data.all() if isinstance(data, models.manager.BaseManager) else data
        return represent(self.child, iterable)


def _fast(serializer) -> bool:
    """Whether ``serializer`` represents its rows with ``represent`` (so with ``compile_fields``)."""
    return isinstance(serializer, FastListSerializer) and (
        type(serializer.child).to_representation is serializers.Serializer.to_representation
    )


def _one(serializer):
    """The serializer of one row: a list serializer's child, or the serializer itself."""
    return serializer.child if isinstance(serializer, serializers.ListSerializer) else serializer


def readable_field_names(serializer) -> list[str]:
    """The names of the fields ``serializer`` (or a list serializer's child) represents, in its order."""
    one = _one(serializer)
    shared = _class_fields(type(one))
    return [field.field_name for field in (shared if shared is not None else one._readable_fields)]


def choose_fields(serializer, names) -> None:
    """Represent only the fields ``names`` of each row (sparse fields), in the serializer's own order.

    A fast list compiles only those (``compile_fields``); any other serializer drops the rest of its
    fields, so DRF's ``to_representation`` never reads them. For answers only: a serializer that
    validates input keeps every field. ``names`` must be among ``readable_field_names(serializer)``.
    """
    one = _one(serializer)
    one.chosen_fields = frozenset(names)
    if not _fast(serializer):
        for name in [name for name in one.fields if name not in one.chosen_fields]:
            del one.fields[name]


def represents(serializer, name: str) -> bool:
    """Whether the rows' representation has field ``name``: for work a list does for one field only
    (a query for the page's functions, say), skipped when ``?fields=`` leaves that field out."""
    chosen = getattr(_one(serializer), "chosen_fields", None)
    return chosen is None or name in chosen
