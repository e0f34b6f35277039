"""``@name`` in a comment: who it means (docs/notifications.md, "Mentions").

The plain-text syntax, the same whether JavaScript's autocomplete wrote it or a person typed it:

- ``@username``: the login name of an active person (``@ana.lima``), case-insensitive;
- ``@Full Name``: an active person's name as the directory spells it (``@Ana Lima``), case-insensitive,
  followed by a space, punctuation or the end of the text. When two names match at one ``@`` the longer
  wins (``@Ana Lima`` over ``@Ana``); a name two active people share means nobody, write their username.

An ``@`` right after a letter or digit (``ana@example.com``) is no mention.
"""

import re
from functools import reduce
from operator import or_

from django.db.models import Q

from owners.models import Person

MENTION_START = re.compile(r"(?<![\w@])@(?=\w)")
FIRST_WORD = re.compile(r"[\w.@+-]+")
TRAILING_PUNCTUATION = ".,;:!?)-"
MAX_MENTIONS = 20  # @ signs looked at per comment; a comment is for people, not a mailing list
LOOKAHEAD = 200


def _candidates(text: str, starts: list[int]) -> list[Person]:
    """The active people a mention in ``text`` may name: one query, whatever the number of ``@``."""
    words = set()
    for start in starts:
        word = FIRST_WORD.match(text, start)
        if word:
            words.add(word.group(0).rstrip(TRAILING_PUNCTUATION).lower())
            first = re.match(r"\w+", word.group(0))
            if first:
                words.add(first.group(0).lower())
    words.discard("")
    if not words:
        return []
    condition = reduce(or_, (Q(name__istartswith=word) | Q(user__username__iexact=word) for word in words))
    return list(Person.objects.active().filter(condition).select_related("user").order_by("pk"))


def _ends_at_boundary(text: str, end: int) -> bool:
    return end >= len(text) or not (text[end].isalnum() or text[end] == "_")


def resolve_mentions(text: str) -> list[Person]:
    """The active people ``text`` mentions, in the order of their first mention, each once."""
    starts = [match.end() for match in MENTION_START.finditer(text or "")][:MAX_MENTIONS]
    if not starts:
        return []
    people = _candidates(text, starts)
    name_counts: dict[str, int] = {}
    for person in people:
        name_counts[person.name.lower()] = name_counts.get(person.name.lower(), 0) + 1
    found: dict[int, Person] = {}
    for start in starts:
        following = text[start : start + LOOKAHEAD].lower()
        best, best_length = None, 0
        for person in people:
            name = person.name.lower()
            if (
                name_counts[name] == 1
                and following.startswith(name)
                and _ends_at_boundary(following, len(name))
                and len(name) > best_length
            ):
                best, best_length = person, len(name)
        word = FIRST_WORD.match(following)
        username = word.group(0).rstrip(TRAILING_PUNCTUATION) if word else ""
        for person in people:
            if person.user_id and person.user.username.lower() == username and len(username) > best_length:
                best, best_length = person, len(username)
        if best is not None:
            found.setdefault(best.pk, best)
    return list(found.values())


def mention_text(person: Person) -> str:
    """What the autocomplete writes for ``person``: the username when they have a login, else the name."""
    if person.user_id:
        return f"@{person.user.username}"
    return f"@{person.name}"
