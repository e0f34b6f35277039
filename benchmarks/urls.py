"""The product's URLs plus the bare endpoint the list endpoints are compared with."""

from django.urls import path

from config.urls import urlpatterns as product_urlpatterns

from .views import BareInstancePage

urlpatterns = [
    path("bench/bare/", BareInstancePage.as_view(), name="bench-bare"),
    *product_urlpatterns,
]
