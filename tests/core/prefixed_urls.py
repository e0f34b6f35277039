"""The project's URLs one path down (a second URL configuration for tests of ``core.reversing``)."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("under/", include(project_urlpatterns))]
