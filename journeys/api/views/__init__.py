"""API views of the journeys app, split by part: ``maps``, ``ingest`` and ``health``."""
