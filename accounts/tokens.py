"""One-time links: Django's password-reset token machinery with a salt of its own for invitations.

A token hashes the user's password hash and last login, so it stops working as soon as the password
is set (or the person logs in), and after ``PASSWORD_RESET_TIMEOUT`` seconds. Its own salt means an
invitation link is never a password-reset link, nor the other way round.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.InvitationTokenGenerator"


invitation_token = InvitationTokenGenerator()


def user_reference(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))
