"""Pages of the journeys app, split by part: ``maps``, ``ingest``, ``health`` and ``history``."""
