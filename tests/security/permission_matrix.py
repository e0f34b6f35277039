"""Who may do what: the expected answer of every page and API endpoint, per method, per role (design section 9).

One line per route (its URL name) and method, naming the smallest group of roles that may do it. Every
role outside that group is refused: 401/403 from the API, 403 from a page (anonymous visitors are sent
to the login page). A method a page does not list must answer 405; the API's methods are read from
its router, so each of them must be listed. ``tests/security/test_permission_matrix.py`` fails when a
route exists that this table does not cover.

Objects in URLs are those of journey J (slug "onboarding", ``tests/security/conftest.py::world``).
"""

# The roles, from the least to the most trusted.
ANONYMOUS = "anonymous"
VIEWER = "viewer"  # any login, with no role on J
INTEGRATION = "integration"  # a system account with the ingest permission (journeys.add_journeyinstance)
TEAM = "team member of J"
OWNER = "owner of J"
MANAGER = "manager"
ADMIN = "admin"
ROLES = [ANONYMOUS, VIEWER, INTEGRATION, TEAM, OWNER, MANAGER, ADMIN]

# Who may: the groups of design section 9.
PUBLIC = frozenset(ROLES)
READ = PUBLIC - {ANONYMOUS}  # read everything: any login
CONTRIBUTE = frozenset({TEAM, OWNER, MANAGER, ADMIN})  # log an issue on J; post initiative updates on J
STEER = frozenset({OWNER, MANAGER, ADMIN})  # J's map, targets, triage, initiatives, recompute, team
MANAGE = frozenset({MANAGER, ADMIN})  # create journeys, assign owners, review incentives, functions, people
INGEST = frozenset({INTEGRATION, ADMIN})  # feed instances and interactions (the ingest permission)
STAFF = frozenset({ADMIN})  # the Django admin
AUTHOR = frozenset({TEAM})  # J's comment was written by J's team member: only its author edits or deletes it

GROUP_NAMES = {
    PUBLIC: "anyone",
    READ: "any login",
    CONTRIBUTE: "J's team, owner, managers",
    STEER: "J's owner, managers",
    MANAGE: "managers",
    INGEST: "ingest accounts",
    STAFF: "admins",
    AUTHOR: "the comment's author",
}

# Pages: URL name -> {method: who may}. GET and POST are checked; a method not listed must answer 405.
PAGES = {
    "home": {"GET": READ},
    "healthz": {"GET": PUBLIC},
    "login": {"GET": PUBLIC, "POST": PUBLIC},
    "logout": {"POST": READ},
    # journeys: maps
    "journeys:list": {"GET": READ},
    "journeys:framework": {"GET": READ},
    "journeys:create": {"GET": MANAGE, "POST": MANAGE},
    "journeys:templates": {"GET": MANAGE},
    "journeys:create-from-template": {"GET": MANAGE, "POST": MANAGE},
    "journeys:copy": {"GET": MANAGE, "POST": MANAGE},
    "journeys:detail": {"GET": READ},
    "journeys:history": {"GET": STEER},
    "journeys:edit": {"GET": STEER, "POST": STEER},
    "journeys:review-map": {"POST": STEER},
    "journeys:mermaid": {"GET": READ},
    "journeys:mermaid-page": {"GET": READ},
    "journeys:map-csv": {"GET": READ},
    "journeys:stage-add": {"POST": STEER},
    "journeys:stage-edit": {"POST": STEER},
    "journeys:stage-move": {"POST": STEER},
    "journeys:stage-delete": {"POST": STEER},
    "journeys:stage-retire": {"POST": STEER},
    "journeys:stage-bring-back": {"POST": STEER},
    "journeys:touchpoint-add": {"POST": STEER},
    "journeys:touchpoint-edit": {"POST": STEER},
    "journeys:touchpoint-move": {"POST": STEER},
    "journeys:touchpoint-delete": {"POST": STEER},
    "journeys:touchpoint-retire": {"POST": STEER},
    "journeys:touchpoint-bring-back": {"POST": STEER},
    "journeys:persona-add": {"GET": STEER, "POST": STEER},
    "journeys:persona-edit": {"GET": STEER, "POST": STEER},
    "journeys:persona-delete": {"POST": STEER},
    # journeys: data
    "journeys:import-list": {"GET": READ},
    "journeys:import-create": {"GET": INGEST, "POST": INGEST},
    "journeys:import-detail": {"GET": READ},
    "journeys:import-progress": {"GET": READ},
    "journeys:instances-csv": {"GET": READ},
    # journeys: health
    "journeys:recompute": {"POST": STEER},
    # owners
    "owners:person-list": {"GET": READ},
    "owners:person-create": {"GET": MANAGE, "POST": MANAGE},
    "owners:person-detail": {"GET": READ},
    "owners:person-edit": {"GET": MANAGE, "POST": MANAGE},
    "owners:person-set-active": {"POST": MANAGE},
    "owners:function-list": {"GET": READ},
    "owners:function-create": {"GET": MANAGE, "POST": MANAGE},
    "owners:function-detail": {"GET": READ},
    "owners:function-edit": {"GET": MANAGE, "POST": MANAGE},
    "owners:matrix": {"GET": READ},
    "owners:incentive-list": {"GET": READ},
    "owners:incentive-create": {"GET": MANAGE, "POST": MANAGE},
    "owners:incentive-edit": {"GET": MANAGE, "POST": MANAGE},
    "owners:incentive-history": {"GET": MANAGE},
    "owners:measurement-import": {"GET": MANAGE | INGEST, "POST": MANAGE | INGEST},
    "owners:measurement-import-list": {"GET": READ},
    "owners:measurement-import-detail": {"GET": READ},
    "owners:measurement-import-progress": {"GET": READ},
    "owners:review-list": {"GET": READ},
    "owners:review": {"GET": READ, "POST": MANAGE},  # the review so far; the form is for managers
    "owners:ownership-list": {"GET": READ},
    "owners:team-member-list": {"GET": READ},
    "owners:responsibility-list": {"GET": READ},
    "owners:gaps": {"GET": READ},
    "owners:journey-ownership": {"GET": READ, "POST": MANAGE},  # the history of owners is for all to read
    "owners:journey-team": {"GET": READ, "POST": STEER},
    "owners:journey-team-role": {"POST": STEER},
    "owners:journey-team-remove": {"POST": STEER},
    "owners:journey-responsibilities": {"GET": READ, "POST": STEER},
    # improvements
    "improvements:issue-list": {"GET": READ},
    "improvements:issue-export": {"GET": READ},
    "improvements:issue-create": {"GET": CONTRIBUTE, "POST": CONTRIBUTE},
    "improvements:issue-detail": {"GET": READ},
    "improvements:issue-edit": {"GET": STEER, "POST": STEER},
    "improvements:issue-triage": {"POST": STEER},
    "improvements:initiative-board": {"GET": READ},
    "improvements:initiative-ranking": {"GET": READ},
    "improvements:initiative-export": {"GET": READ},
    "improvements:initiative-create": {"GET": STEER, "POST": STEER},  # ?journey=onboarding: the form for J
    "improvements:initiative-detail": {"GET": READ},
    "improvements:initiative-edit": {"GET": STEER, "POST": STEER},
    "improvements:initiative-transition": {"POST": STEER},
    "improvements:initiative-update-create": {"POST": CONTRIBUTE},
    "improvements:issue-comment": {"POST": CONTRIBUTE},
    "improvements:initiative-comment": {"POST": CONTRIBUTE},
    "improvements:comment-edit": {"GET": AUTHOR, "POST": AUTHOR},
    "improvements:comment-delete": {"POST": AUTHOR},
    "improvements:mention-people": {"GET": READ},  # the comment box's autocomplete; the people list is public too
    # accounts: single sign-on, invitations, logins, password reset, one's own profile
    "accounts:sso-login": {"GET": PUBLIC},
    "accounts:sso-callback": {"GET": PUBLIC},
    "accounts:login-list": {"GET": MANAGE},
    "accounts:login-invite": {"GET": MANAGE, "POST": MANAGE},
    "accounts:login-deactivate": {"POST": MANAGE},
    "accounts:login-reactivate": {"POST": MANAGE},
    "accounts:login-invite-again": {"POST": MANAGE},
    "accounts:invitation-accept": {"GET": PUBLIC, "POST": PUBLIC},  # the one-time link is the key
    "accounts:password-reset": {"GET": PUBLIC, "POST": PUBLIC},
    "accounts:password-reset-sent": {"GET": PUBLIC},
    "accounts:password-reset-confirm": {"GET": PUBLIC, "POST": PUBLIC},
    "accounts:password-reset-complete": {"GET": PUBLIC},
    "accounts:profile": {"GET": READ, "POST": READ},  # one's own
    "accounts:api-token-rotate": {"POST": READ},
    "accounts:api-token-revoke": {"POST": READ},
    # webhooks: managers connect other systems
    "webhooks:subscription-list": {"GET": MANAGE},
    "webhooks:subscription-create": {"GET": MANAGE, "POST": MANAGE},
    "webhooks:subscription-detail": {"GET": MANAGE},
    "webhooks:subscription-test": {"POST": MANAGE},
    "webhooks:subscription-toggle": {"POST": MANAGE},
    "webhooks:subscription-rotate-secret": {"POST": MANAGE},
    "webhooks:subscription-delete": {"POST": MANAGE},
    # notifications: one's own (another person's notification is never shown: the list again)
    "notifications:list": {"GET": READ},
    "notifications:open": {"POST": READ},
    "notifications:read-all": {"POST": READ},
    "notifications:preferences": {"POST": READ},
    # notifications: J's chat channels (their URLs are secrets) are set up by those who steer J
    "notifications:chat-webhooks": {"GET": STEER, "POST": STEER},
    "notifications:chat-webhook-test": {"POST": STEER},
    "notifications:chat-webhook-toggle": {"POST": STEER},
    "notifications:chat-webhook-delete": {"POST": STEER},
}

# The Django admin: every page under /admin/ is for admins (staff) only.
ADMIN_NAMESPACE = "admin"
ADMIN_PAGES = {"admin:index": {"GET": STAFF}}

# API: URL name -> {method: who may}. Every method the router or view allows must be listed.
API = {
    "api-root": {"GET": READ},
    "api-schema": {"GET": PUBLIC},  # the API's description is public; its data is not
    "api-docs": {"GET": PUBLIC},
    "api-redoc": {"GET": PUBLIC},
    "api-token": {"POST": PUBLIC},
    "ingest": {"POST": INGEST},
    # journeys: maps
    "journey-list": {"GET": READ, "POST": MANAGE},
    "journey-detail": {"GET": READ, "PUT": STEER, "PATCH": STEER, "DELETE": MANAGE},
    "journey-review-map": {"POST": STEER},
    "journey-children": {"GET": READ},
    "journey-copy": {"POST": MANAGE},
    "journey-template-list": {"GET": READ},
    "journey-template-detail": {"GET": READ},
    "stage-list": {"GET": READ, "POST": STEER},
    "stage-detail": {"GET": READ, "PUT": STEER, "PATCH": STEER, "DELETE": STEER},
    "stage-reorder": {"POST": STEER},
    "touchpoint-list": {"GET": READ, "POST": STEER},
    "touchpoint-detail": {"GET": READ, "PUT": STEER, "PATCH": STEER, "DELETE": STEER},
    "journey-persona-list": {"GET": READ, "POST": STEER},
    "journey-persona-detail": {"GET": READ, "PUT": STEER, "PATCH": STEER, "DELETE": STEER},
    "journey-persona-curve": {"GET": READ},
    # journeys: data
    "journeyinstance-list": {"GET": READ, "POST": INGEST},
    "journeyinstance-detail": {"GET": READ, "PUT": INGEST, "PATCH": INGEST, "DELETE": INGEST},
    "interaction-list": {"GET": READ, "POST": INGEST},
    "interaction-detail": {"GET": READ, "PUT": INGEST, "PATCH": INGEST, "DELETE": INGEST},
    "import-list": {"GET": READ, "POST": INGEST},
    "import-detail": {"GET": READ},
    # journeys: health
    "health-snapshot-list": {"GET": READ},
    "health-snapshot-detail": {"GET": READ},
    "journey-health": {"GET": READ},
    "journey-recompute": {"POST": STEER},
    "journey-handoffs": {"GET": READ},
    "journey-paths": {"GET": READ},
    "journey-drivers": {"GET": READ},
    # owners
    "journey-gaps": {"GET": READ},
    "function-list": {"GET": READ, "POST": MANAGE},
    "function-detail": {"GET": READ, "PUT": MANAGE, "PATCH": MANAGE, "DELETE": MANAGE},
    "person-list": {"GET": READ, "POST": MANAGE},
    "person-detail": {"GET": READ, "PUT": MANAGE, "PATCH": MANAGE, "DELETE": MANAGE},
    "ownership-list": {"GET": READ, "POST": MANAGE},
    "ownership-detail": {"GET": READ, "PATCH": MANAGE},
    "ownership-end": {"POST": MANAGE},
    "team-member-list": {"GET": READ, "POST": STEER},
    "team-member-detail": {"GET": READ, "PUT": STEER, "PATCH": STEER, "DELETE": STEER},
    "responsibility-list": {"GET": READ, "POST": STEER},
    "responsibility-detail": {"GET": READ, "DELETE": STEER},
    "incentive-list": {"GET": READ, "POST": MANAGE},
    "incentive-detail": {"GET": READ, "PUT": MANAGE, "PATCH": MANAGE, "DELETE": MANAGE},
    "incentive-review-list": {"GET": READ, "POST": MANAGE},
    "incentive-review-detail": {"GET": READ},
    "incentive-evidence": {"GET": READ},
    "journey-incentive-evidence": {"GET": READ},
    "incentive-measurement-list": {"GET": READ, "POST": MANAGE | INGEST},
    "incentive-measurement-detail": {"GET": READ},
    # improvements
    "issue-list": {"GET": READ, "POST": CONTRIBUTE},
    "issue-detail": {"GET": READ, "PUT": STEER, "PATCH": STEER},
    "issue-transition": {"POST": STEER},
    "initiative-list": {"GET": READ, "POST": STEER},
    "initiative-detail": {"GET": READ, "PUT": STEER, "PATCH": STEER},
    "initiative-transition": {"POST": STEER},
    "initiative-update-list": {"GET": READ, "POST": CONTRIBUTE},
    "initiative-update-detail": {"GET": READ},
    "issue-comments": {"GET": READ, "POST": CONTRIBUTE},
    "initiative-comments": {"GET": READ, "POST": CONTRIBUTE},
    "comment-list": {"GET": READ},
    "comment-detail": {"GET": READ, "PUT": AUTHOR, "PATCH": AUTHOR, "DELETE": AUTHOR},
    # webhooks: the targets name the organisation's systems, so reading is for managers too
    "webhook-subscription-list": {"GET": MANAGE, "POST": MANAGE},
    "webhook-subscription-detail": {"GET": MANAGE, "PUT": MANAGE, "PATCH": MANAGE, "DELETE": MANAGE},
    "webhook-subscription-test": {"POST": MANAGE},
    "webhook-delivery-list": {"GET": MANAGE},
    "webhook-delivery-detail": {"GET": MANAGE},
}
