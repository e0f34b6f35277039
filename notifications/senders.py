"""How one message leaves Throughline: e-mail, a Slack or a Microsoft Teams incoming webhook.

Each sender raises ``DeliveryError`` (or lets a network error through) when the message did not arrive;
the delivery service records it and the task retries.
"""

import requests
from django.conf import settings
from django.core.mail import send_mail


class DeliveryError(Exception):
    pass


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL.rstrip('/')}{url}"


def email_text(payload: dict) -> str:
    lines = [payload.get("title", ""), "", payload.get("body", "")]
    if payload.get("url"):
        lines += ["", f"Open in Throughline: {_absolute(payload['url'])}"]
    lines += ["", "You chose to receive this by e-mail; change it on your profile page in Throughline."]
    return "\n".join(lines).strip() + "\n"


def send_email(address: str, payload: dict) -> None:
    send_mail(
        subject=f"[Throughline] {payload.get('title', '')}"[:200],
        message=email_text(payload),
        from_email=None,
        recipient_list=[address],
    )


def slack_message(payload: dict) -> dict:
    text = f"*{payload.get('title', '')}*"
    if payload.get("body"):
        text += f"\n{payload['body']}"
    if payload.get("url"):
        text += f"\n<{_absolute(payload['url'])}|Open in Throughline>"
    return {"text": text}


def teams_message(payload: dict) -> dict:
    # The MessageCard format Microsoft Teams' incoming webhooks (and Workflows' "post to a channel") accept.
    card = {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": payload.get("title", ""),
        "title": payload.get("title", ""),
        "text": payload.get("body", ""),
    }
    if payload.get("url"):
        card["potentialAction"] = [
            {
                "@type": "OpenUri",
                "name": "Open in Throughline",
                "targets": [{"os": "default", "uri": _absolute(payload["url"])}],
            }
        ]
    return card


def post_webhook(url: str, message: dict) -> None:
    try:
        response = requests.post(url, json=message, timeout=settings.NOTIFICATIONS_WEBHOOK_TIMEOUT)
    except requests.RequestException as error:
        raise DeliveryError(f"{type(error).__name__}: {error}") from error
    if response.status_code >= 300:
        raise DeliveryError(f"HTTP {response.status_code}: {response.text[:300]}")
