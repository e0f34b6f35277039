"""The project's URLs without the improvements app's, plus a stub "log an issue" page when asked.

Lets the journey page tests pin down both cases whatever the improvements app provides.
"""

from django.http import HttpResponse
from django.urls import include, path

from config.urls import urlpatterns as project_patterns

without_improvements = [
    pattern for pattern in project_patterns if getattr(pattern, "namespace", None) != "improvements"
]


def issue_create_stub(request):
    return HttpResponse("stub")


with_issue_create = [
    *without_improvements,
    path("", include(([path("issues/new/", issue_create_stub, name="issue-create")], "improvements"))),
]


class WithoutImprovements:
    urlpatterns = without_improvements


class WithIssueCreate:
    urlpatterns = with_issue_create
