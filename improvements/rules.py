"""improvements' permissions: the improvement loop, on the journey-scoped roles of ``journeys.rules``.

The ``*_anywhere`` permissions take no object: whether the user may do it on at least one journey.
Pages that are not about one journey (the issue list, the initiatives board) offer "Log an issue"
and "Propose an initiative" on them, so a viewer is never offered a form they would be refused.
"""

import rules

from journeys.rules import can_contribute_to_journey, can_steer_journey

from .selectors import user_journey_ids


@rules.predicate
def contributes_to_some_journey(user):
    journey_ids = user_journey_ids(user, "contributable")
    return journey_ids is None or bool(journey_ids)


@rules.predicate
def steers_some_journey(user):
    journey_ids = user_journey_ids(user, "steerable")
    return journey_ids is None or bool(journey_ids)


# Anyone working on the journey logs issues and posts updates; its owner (or a manager) steers.
rules.add_perm("improvements.log_issue", can_contribute_to_journey)
rules.add_perm("improvements.post_update", can_contribute_to_journey)
rules.add_perm("improvements.triage_issue", can_steer_journey)
rules.add_perm("improvements.manage_initiative", can_steer_journey)
rules.add_perm("improvements.log_issue_anywhere", contributes_to_some_journey)
rules.add_perm("improvements.manage_initiative_anywhere", steers_some_journey)


@rules.predicate
def is_comment_author(user, comment):
    """The login of the comment's author (whether the 15 minutes are still running is the service's check)."""
    return bool(user.is_authenticated and comment is not None and comment.author_id) and (
        comment.author.user_id == user.pk
    )


# The journey's team, its owner and managers discuss its issues and initiatives; everyone reads along.
rules.add_perm("improvements.comment", can_contribute_to_journey)
rules.add_perm("improvements.change_comment", is_comment_author)
