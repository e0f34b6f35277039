"""Every API viewset, registered under /api/v1/ with kebab-case plural prefixes."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
