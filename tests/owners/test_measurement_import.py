"""CSV import of incentive measurements: all or nothing, every problem by row and column, twice changes nothing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from owners import services
from owners.models import IncentiveMeasurement

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 30)
URL = "/incentives/measurements/import/"


def _csv(org, *lines, header="incentive,period_end,value,source"):
    return "\n".join([header, *(line.format(ht=org.handle_time.pk) for line in lines)]).encode()


def test_a_good_file_is_imported_and_importing_it_again_changes_nothing(organisation):
    content = _csv(organisation, "{ht},2026-09-30,6.1,WFM", "{ht},2026-10-31,5.9,WFM", "")

    first = services.incentive_measurements_import_csv(content=content, today=TODAY)
    second = services.incentive_measurements_import_csv(content=content, today=TODAY)

    assert (first.created, first.updated) == (2, 0)
    assert (second.created, second.updated) == (0, 0)
    assert sorted(IncentiveMeasurement.objects.values_list("value", flat=True)) == [5.9, 6.1]


def test_a_missing_column_is_reported_with_the_row_problems_the_other_columns_allow(organisation):
    content = _csv(organisation, "{ht},2026-13-01", "999999,2026-10-31", header="incentive,period_end")

    with pytest.raises(services.MeasurementCsvInvalid) as refused:
        services.incentive_measurements_import_csv(content=content, today=TODAY)

    assert [(p.row, p.column, p.message) for p in refused.value.problems] == [
        (1, "value", "The column “value” is missing."),
        (2, "period_end", "'2026-13-01' is not a date (YYYY-MM-DD)."),
        (3, "incentive", "There is no incentive with id 999999."),
    ]
    assert not IncentiveMeasurement.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"incentive,period_end,value\n", "no measurements"),
        ("incentive,period_end,value\n1,2026-10-31,caf\xe9".encode("latin-1"), "not UTF-8"),
        (b"incentive,period_end,value\n1,2026-10-31,\x00", "is not a number"),
        (b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
)
def test_a_file_that_cannot_be_read_says_why_and_imports_nothing(organisation, content, message):
    with pytest.raises(services.MeasurementCsvInvalid) as refused:
        services.incentive_measurements_import_csv(content=content, today=TODAY)

    assert any(message in problem.message for problem in refused.value.problems)
    assert not IncentiveMeasurement.objects.exists()


def test_the_page_reports_problems_by_row_and_column_for_a_manager(client, organisation, manager_user):
    client.force_login(manager_user)
    upload = SimpleUploadedFile("m.csv", _csv(organisation, "{ht},2026-10-31,fast"), content_type="text/csv")

    response = client.post(URL, {"file": upload})

    html = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported: 1 problem" in html
    assert "<td>2</td><td>value</td><td>&#x27;fast&#x27; is not a number.</td>" in html
    assert not IncentiveMeasurement.objects.exists()


def test_the_page_imports_for_an_integration_account_and_is_refused_to_a_viewer(
    client, organisation, integration_user, viewer_user
):
    content = _csv(organisation, "{ht},2026-10-31,6.2")
    client.force_login(viewer_user)
    refused = client.post(URL, {"file": SimpleUploadedFile("m.csv", content)})
    client.force_login(integration_user)
    page = client.get(URL)
    imported = client.post(URL, {"file": SimpleUploadedFile("m.csv", content)}, follow=True)

    assert refused.status_code == 403
    assert "Average handle time" in page.content.decode()  # the ids to use, by name
    assert "Imported: 1 new measurement, 0 changed." in imported.content.decode()
    assert IncentiveMeasurement.objects.get().value == 6.2
