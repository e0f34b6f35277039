"""Invitations: who asked whom to join, and when the invited person set their password."""

from django.conf import settings
from django.db import models

from core.models import TimeStampedModel


class Invitation(TimeStampedModel):
    """One invitation e-mail sent to a login. The link in it is a one-time token (``accounts.tokens``);
    this row keeps who sent it and when it was accepted, so managers see who has not joined yet."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations_sent"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "invitation"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Invitation of {self.user}"
