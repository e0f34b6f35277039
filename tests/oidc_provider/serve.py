"""Run the test identity provider: ``python -m tests.oidc_provider.serve PORT REDIRECT_URI``.

Creates its database, the Throughline client (id and secret from ``server.CLIENT_ID``/``CLIENT_SECRET``,
authorization code with PKCE, RS256) and the people of ``server.PEOPLE``, prints "ready" and serves
until it is terminated.
"""

import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002  (the standard library's signature)
        pass


def main(port: int, redirect_uri: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    from tests.oidc_provider.server import CLIENT_ID, CLIENT_SECRET, PEOPLE

    call_command("migrate", verbosity=0, interactive=False)
    Application.objects.create(
        name="Throughline",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    for person in PEOPLE:
        user = User.objects.create_user(
            person.username,
            email=person.email,
            password=person.password,
            first_name=person.first_name,
            last_name=person.last_name,
        )
        for name in person.groups:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
    server = make_server(
        "127.0.0.1", port, get_wsgi_application(), server_class=_ThreadingServer, handler_class=_QuietHandler
    )
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
