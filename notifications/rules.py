"""notifications' permissions: a journey's chat channels are set up by those who steer the journey."""

import rules

from journeys.rules import can_steer_journey

# Which Slack or Teams channels hear a journey's events: its owner or a manager (the URLs are secrets).
rules.add_perm("notifications.manage_chat_webhooks", can_steer_journey)
