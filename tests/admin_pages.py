"""The admin's real pages for one object, as a superuser sees them (tests/<app>/test_admin.py)."""

from django.urls import reverse


def admin_url(obj, view: str, *args) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def assert_shown_read_only(client, obj) -> None:
    """The list and the object's page answer, and the page offers no save, add or delete."""
    listing = client.get(admin_url(obj, "changelist"))
    assert listing.status_code == 200
    assert admin_url(obj, "change", obj.pk) in listing.content.decode()  # the row links to its page
    assert admin_url(obj, "add") not in listing.content.decode()

    page = client.get(admin_url(obj, "change", obj.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert admin_url(obj, "delete", obj.pk) not in html


def assert_writes_refused(client, obj, changes: dict) -> None:
    """Add, change and delete answer 403 and leave the row as it was."""
    before = {field: getattr(obj, field) for field in changes}

    assert client.get(admin_url(obj, "add")).status_code == 403
    assert client.post(admin_url(obj, "change", obj.pk), changes).status_code == 403
    assert client.post(admin_url(obj, "delete", obj.pk), {"post": "yes"}).status_code == 403

    obj.refresh_from_db()
    assert {field: getattr(obj, field) for field in changes} == before


def assert_revert_refused(client, obj, changes: dict) -> None:
    """django-simple-history's "Revert" to a past version answers 403 and changes nothing."""
    version = obj.history.earliest()
    url = admin_url(obj, "simple_history", obj.pk, version.history_id)
    assert client.get(url).status_code == 200  # a past version can still be looked at
    before = {field: getattr(obj, field) for field in changes}

    assert client.post(url, changes).status_code == 403

    obj.refresh_from_db()
    assert {field: getattr(obj, field) for field in changes} == before
    assert obj.history.count() == 1
