"""The site's main navigation: config sits above every app, so it may name each app's pages."""

from django.urls import reverse

NAVIGATION = (
    ("home", "Portfolio"),
    ("journeys:list", "Journeys"),
    ("journeys:framework", "Framework"),
    ("improvements:issue-list", "Issues"),
    ("improvements:initiative-board", "Initiatives"),
    ("owners:matrix", "Incentives"),
    ("owners:person-list", "People"),
    ("owners:function-list", "Functions"),
    ("journeys:import-list", "Imports"),
)


def _items(current_path: str) -> list[dict]:
    items = []
    for url_name, label in NAVIGATION:
        url = reverse(url_name)
        is_current = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"url": url, "label": label, "current": is_current})
    return items


def navigation(request):
    """Template context processor: ``navigation``, the main menu for a logged-in user (none otherwise)."""
    user = getattr(request, "user", None)
    return {"navigation": _items(request.path) if user and user.is_authenticated else []}
