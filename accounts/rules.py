"""accounts' permissions: managers look after logins; everyone looks after their own profile."""

import rules

from core.rules import is_manager

rules.add_perm("accounts.manage_logins", is_manager)
