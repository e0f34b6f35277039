"""The demo organisation (Meridian Group) loaded by ``manage.py seed_demo``: see docs/demo.md.

``organisation`` holds the plain data, ``activity`` the customers' paths, ``loader`` the writes.
"""
