"""The demo organisation (Meridian Group) loaded by ``manage.py seed_demo``: see docs/demo.md."""

from .loader import SeedResult, seed_demo

__all__ = ["SeedResult", "seed_demo"]
