"""The sections of a person's own profile page, a registry other apps fill from their ``ready()``.

accounts shows the person's details and API token itself; everything else on the page is a section:
``register_section(ProfileSection(...))``. A section registered with the key of an existing one
replaces it, so the app that brings notifications replaces the ``notifications`` placeholder with its
preferences form (its own template, context and URLs).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

NOTIFICATIONS = "notifications"


@dataclass(frozen=True)
class ProfileSection:
    key: str
    title: str
    template: str
    # (request, person or None) -> the template's context; the person is None for a login with no person.
    context: Callable = field(default=lambda request, person: {})
    order: int = 50


_sections: dict[str, ProfileSection] = {}


def register_section(section: ProfileSection) -> None:
    _sections[section.key] = section


def sections_for(request, person) -> list[dict]:
    return [
        {"key": section.key, "title": section.title, "template": section.template, **section.context(request, person)}
        for section in sorted(_sections.values(), key=lambda section: (section.order, section.key))
    ]


def register_default_sections() -> None:
    if NOTIFICATIONS not in _sections:
        register_section(
            ProfileSection(
                key=NOTIFICATIONS,
                title="Notifications",
                template="accounts/partials/notifications_placeholder.html",
                order=20,
            )
        )
