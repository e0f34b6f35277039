"""The unread count in the header: one query per page for a login with a person."""

from .models import Notification


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        return Notification.objects.filter(recipient__user=user, in_app=True, read_at__isnull=True).count()

    # Lazy: pages that do not render the header (CSV, JSON) pay nothing.
    return {"notifications_unread": _Lazy(count)}


class _Lazy:
    def __init__(self, compute):
        self._compute = compute
        self._value = None

    def value(self):
        if self._value is None:
            self._value = self._compute()
        return self._value

    def __int__(self):
        return self.value()

    def __str__(self):
        return str(self.value())

    def __bool__(self):
        return bool(self.value())
