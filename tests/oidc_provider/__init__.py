"""A real OpenID Connect provider for the tests: django-oauth-toolkit's, in a process of its own.

``tests.oidc_provider.server.OIDCProvider`` starts it (``python -m tests.oidc_provider.serve``) with
its own settings and SQLite database, people and groups, and the Throughline client registered with
the redirect URI of the live server under test. Throughline talks to it over HTTP like to any
organisation's identity provider: no part of the sign-on is mocked.
"""
