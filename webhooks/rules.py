"""webhooks' permissions: managers look after integrations (the URLs name the organisation's systems)."""

import rules

from core.rules import is_manager

rules.add_perm("webhooks.manage_subscriptions", is_manager)
