"""Tasks that belong to no domain app."""

from celery import shared_task


@shared_task(name="core.ping")
def ping(payload: str = "pong") -> str:
    """Answers its payload: lets operators and tests see a worker execute work end to end."""
    return payload
