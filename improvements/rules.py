"""improvements' permissions: the improvement loop, on the journey-scoped roles of ``journeys.rules``."""

import rules

from journeys.rules import can_contribute_to_journey, can_steer_journey

# Anyone working on the journey logs issues and posts updates; its owner (or a manager) steers.
rules.add_perm("improvements.log_issue", can_contribute_to_journey)
rules.add_perm("improvements.post_update", can_contribute_to_journey)
rules.add_perm("improvements.triage_issue", can_steer_journey)
rules.add_perm("improvements.manage_initiative", can_steer_journey)
