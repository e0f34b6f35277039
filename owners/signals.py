"""Signals of the owners app."""

from django.dispatch import Signal

# Sent once new incentive measurements have committed: kwargs ``incentive_ids``.
incentive_measurements_changed = Signal()
