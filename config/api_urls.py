"""The API: /api/v1/ (router and extra endpoints), the OpenAPI schema and its local docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from core.api import ThrottledObtainAuthToken

from .api_router import router

urlpatterns = [
    path("v1/auth/token/", ThrottledObtainAuthToken.as_view(), name="api-token"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
