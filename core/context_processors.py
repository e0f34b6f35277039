"""Template context shared by every page: the user's roles (the navigation is config's)."""

from core.rules import is_manager


def roles(request):
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    return {"user_is_manager": authenticated and is_manager(user)}
