"""Template context shared by every page: the navigation and the user's roles."""

from django.urls import NoReverseMatch, reverse

from core.rules import is_manager

NAVIGATION = (
    ("home", "Portfolio"),
    ("journeys:list", "Journeys"),
    ("improvements:issue-list", "Issues"),
    ("improvements:initiative-board", "Initiatives"),
    ("owners:matrix", "Incentives"),
    ("owners:person-list", "People"),
    ("owners:function-list", "Functions"),
    ("journeys:import-list", "Imports"),
)


def _navigation(current_path: str):
    items = []
    for url_name, label in NAVIGATION:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue  # the page belongs to a part not installed yet
        is_current = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"url": url, "label": label, "current": is_current})
    return items


def roles(request):
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    return {
        "navigation": _navigation(request.path) if authenticated else [],
        "user_is_manager": authenticated and is_manager(user),
    }
