"""Pages of the owners app: organisation, ownership, teams, responsibilities, incentives, gaps.

Everybody logged in reads every page; writes follow design section 9 through core/rules.py.
Views stay thin: forms validate, services write, selectors read.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import history, web
from core.errors import ApplicationError
from journeys.models import Journey, Touchpoint

from . import selectors, services
from .choices import Gap, Verdict
from .filters import (
    FunctionFilter,
    IncentiveFilter,
    IncentiveReviewFilter,
    OwnershipFilter,
    PersonFilter,
    ResponsibilityFilter,
    TeamMembershipFilter,
)
from .forms import (
    FunctionForm,
    IncentiveForm,
    IncentiveReviewForm,
    MeasurementImportForm,
    OwnershipAssignForm,
    PersonForm,
    TeamMemberAddForm,
    TeamMemberRoleForm,
)
from .links import journey_path, raise_issue_path
from .models import Function, Incentive, IncentiveReview, Ownership, Person, Responsibility, TeamMembership

PAGE_SIZE = 50
TEAM_MESSAGE = "Only the journey's owner or a manager changes its team."


# --- helpers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a list page and of its CSV export."""

    header: str
    value: Callable
    link: Callable | None = None
    status: Callable | None = None


def csv_response(filename: str, columns: list[Column], rows: Iterable) -> StreamingHttpResponse:
    """Stream rows as CSV in the columns of their list page, formulas escaped (core.web.csv_response)."""
    values = ([column.value(row) for column in columns] for row in rows)
    return web.csv_response(filename, [column.header for column in columns], values)


def _rows(objects, columns):
    return [
        [
            {
                "text": column.value(obj),
                "url": column.link(obj) if column.link else "",
                "status": column.status(obj) if column.status else "",
            }
            for column in columns
        ]
        for obj in objects
    ]


def render_list(
    request,
    *,
    queryset,
    filterset_class,
    columns: list[Column],
    title: str,
    lead: str,
    csv_name: str,
    empty: str,
    actions: list[dict] | None = None,
    breadcrumbs: list[dict] | None = None,
):
    """A filtered, paginated list page, or its CSV export (``?format=csv``) with the same filters."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    objects = filterset.qs
    if request.GET.get("format") == "csv":
        return csv_response(csv_name, columns, objects.iterator(chunk_size=1000))
    page = Paginator(objects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "owners/list.html",
        {
            "title": title,
            "lead": lead,
            "filter": filterset,
            "columns": columns,
            "rows": _rows(page.object_list, columns),
            "page": page,
            "empty": empty,
            "actions": actions or [],
            "breadcrumbs": breadcrumbs or [{"label": title, "url": ""}],
        },
    )


# --- people ------------------------------------------------------------------------------------


@require_GET
def person_list(request):
    columns = [
        Column("Name", lambda p: p.name, link=lambda p: p.get_absolute_url()),
        Column("E-mail", lambda p: p.email),
        Column("Title", lambda p: p.title),
        Column(
            "Function",
            lambda p: p.function.name if p.function else "",
            link=lambda p: p.function.get_absolute_url() if p.function else "",
        ),
    ]
    actions = []
    if request.user.has_perm("owners.manage_organisation"):
        actions.append({"label": "Add a person", "url": reverse("owners:person-create"), "primary": True})
    return render_list(
        request,
        queryset=Person.objects.select_related("function").order_by("name"),
        filterset_class=PersonFilter,
        columns=columns,
        title="People",
        lead="Everyone who owns a journey, sits on a team, heads a function or reviews incentives.",
        csv_name="people.csv",
        empty="No people match. A manager adds people (and links them to their logins) with “Add a person”.",
        actions=actions,
    )


@require_GET
def person_detail(request, pk):
    person = get_object_or_404(Person.objects.select_related("function", "user"), pk=pk)
    context = {
        "person": person,
        **selectors.person_profile(person),
        "can_edit": request.user.has_perm("owners.manage_organisation"),
        "breadcrumbs": [{"label": "People", "url": reverse("owners:person-list")}, {"label": person.name, "url": ""}],
    }
    return render(request, "owners/person_detail.html", context)


@require_POST
def person_set_active(request, pk):
    """Deactivate someone (they keep their name on what they did, and get no new work), or reactivate them."""
    web.require(request.user, "owners.manage_organisation", message="Only managers change the organisation.")
    person = get_object_or_404(Person, pk=pk)
    try:
        if request.POST.get("active") == "true":
            services.person_reactivate(person=person)
            messages.success(request, f"{person.name} is active again and can be chosen for new work.")
        else:
            services.person_deactivate(person=person)
            messages.success(
                request, f"{person.name} is deactivated: their name stays on what they did; no new work goes to them."
            )
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(person.get_absolute_url())


def _organisation_form(
    request, *, form_class, instance, create, update, argument, title, back, success, after=None, history_url=None
):
    web.require(request.user, "owners.manage_organisation", message="Only managers change the organisation.")
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            if instance is None:
                saved = create(**form.cleaned_data)
            else:
                saved = update(**{argument: instance}, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            web.add_service_error(form, error)
        else:
            messages.success(request, success.format(saved))
            return redirect(after(saved) if after else saved.get_absolute_url())
    return render(
        request,
        "owners/form.html",
        {
            "form": form,
            "title": title,
            "back": back,
            "history_url": history_url,
            "breadcrumbs": [{"label": title, "url": ""}],
        },
    )


@require_http_methods(["GET", "POST"])
def person_create(request):
    return _organisation_form(
        request,
        form_class=PersonForm,
        instance=None,
        create=services.person_create,
        update=None,
        argument="person",
        title="Add a person",
        back=reverse("owners:person-list"),
        success="{} was added.",
    )


@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = get_object_or_404(Person, pk=pk)
    return _organisation_form(
        request,
        form_class=PersonForm,
        instance=person,
        create=None,
        update=services.person_update,
        argument="person",
        title=f"Edit {person.name}",
        back=person.get_absolute_url(),
        success="{} was saved.",
    )


# --- functions ---------------------------------------------------------------------------------


@require_GET
def function_list(request):
    columns = [
        Column("Function", lambda f: f.name, link=lambda f: f.get_absolute_url()),
        Column(
            "Head", lambda f: f.head.name if f.head else "", link=lambda f: f.head.get_absolute_url() if f.head else ""
        ),
        Column("People", lambda f: f.people_count),
        Column("Active incentives", lambda f: f.incentive_count),
        Column("Touchpoints delivered", lambda f: f.touchpoint_count),
    ]
    actions = []
    if request.user.has_perm("owners.manage_organisation"):
        actions.append({"label": "Add a function", "url": reverse("owners:function-create"), "primary": True})
    queryset = (
        Function.objects.select_related("head")
        .annotate(
            people_count=Count("people", distinct=True),
            incentive_count=Count("incentives", filter=Q(incentives__active=True), distinct=True),
            touchpoint_count=Count("responsibilities", distinct=True),
        )
        .order_by("name")
    )
    return render_list(
        request,
        queryset=queryset,
        filterset_class=FunctionFilter,
        columns=columns,
        title="Functions",
        lead="The organisational functions that deliver the journeys' touchpoints, and what they are rewarded for.",
        csv_name="functions.csv",
        empty="No functions match. A manager adds the organisation's functions with “Add a function”.",
        actions=actions,
    )


@require_GET
def function_detail(request, slug):
    function = get_object_or_404(Function.objects.select_related("head"), slug=slug)
    context = {
        "function": function,
        **selectors.function_profile(function),
        "can_edit": request.user.has_perm("owners.manage_organisation"),
        "breadcrumbs": [
            {"label": "Functions", "url": reverse("owners:function-list")},
            {"label": function.name, "url": ""},
        ],
    }
    return render(request, "owners/function_detail.html", context)


@require_http_methods(["GET", "POST"])
def function_create(request):
    return _organisation_form(
        request,
        form_class=FunctionForm,
        instance=None,
        create=services.function_create,
        update=None,
        argument="function",
        title="Add a function",
        back=reverse("owners:function-list"),
        success="{} was added.",
    )


@require_http_methods(["GET", "POST"])
def function_edit(request, slug):
    function = get_object_or_404(Function, slug=slug)
    return _organisation_form(
        request,
        form_class=FunctionForm,
        instance=function,
        create=None,
        update=services.function_update,
        argument="function",
        title=f"Edit {function.name}",
        back=function.get_absolute_url(),
        success="{} was saved.",
    )


# --- incentives --------------------------------------------------------------------------------


@require_GET
def incentive_list(request):
    can_edit = request.user.has_perm("owners.manage_organisation")
    columns = [
        Column("Function", lambda i: i.function.name, link=lambda i: i.function.get_absolute_url()),
        Column(
            "Incentive",
            lambda i: i.name,
            link=(lambda i: reverse("owners:incentive-edit", kwargs={"pk": i.pk})) if can_edit else None,
        ),
        Column("Measure", lambda i: i.measure),
        Column("Target", lambda i: i.target),
        Column("Weight (%)", lambda i: i.weight),
        Column("Active", lambda i: "yes" if i.active else "no"),
    ]
    actions = [{"label": "Harmonisation matrix", "url": reverse("owners:matrix")}]
    if can_edit:
        actions.append({"label": "Add an incentive", "url": reverse("owners:incentive-create"), "primary": True})
    return render_list(
        request,
        queryset=Incentive.objects.select_related("function").order_by("function__name", "name"),
        filterset_class=IncentiveFilter,
        columns=columns,
        title="Incentives",
        lead="Each function's objectives and incentive measures: what its people are rewarded for.",
        csv_name="incentives.csv",
        empty="No incentives match. A manager records each function's scorecard with “Add an incentive”.",
        actions=actions,
        breadcrumbs=[
            {"label": "Incentive matrix", "url": reverse("owners:matrix")},
            {"label": "Incentives", "url": ""},
        ],
    )


@require_http_methods(["GET", "POST"])
def incentive_create(request):
    return _organisation_form(
        request,
        form_class=IncentiveForm,
        instance=None,
        create=services.incentive_create,
        update=None,
        argument="incentive",
        title="Add an incentive",
        back=reverse("owners:incentive-list"),
        success="{} was added.",
        after=lambda incentive: incentive.function.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def incentive_edit(request, pk):
    incentive = get_object_or_404(Incentive.objects.select_related("function"), pk=pk)
    return _organisation_form(
        request,
        form_class=IncentiveForm,
        instance=incentive,
        create=None,
        update=services.incentive_update,
        argument="incentive",
        title=f"Edit {incentive.name}",
        back=reverse("owners:incentive-list"),
        success="{} was saved.",
        after=lambda incentive: incentive.function.get_absolute_url(),
        history_url=reverse("owners:incentive-history", kwargs={"pk": incentive.pk}),
    )


@require_GET
def incentive_history(request, pk):
    """Who changed the incentive and its reviews, and when: managers (core.view_history)."""
    incentive = get_object_or_404(Incentive.objects.select_related("function"), pk=pk)
    web.require(
        request.user, "core.view_history", incentive, message="The history of an incentive is visible to managers."
    )
    sources = [
        history.HistorySource("Incentive", Incentive, Q(id=incentive.pk), "name"),
        history.HistorySource("Review", IncentiveReview, Q(incentive_id=incentive.pk), "journey"),
    ]
    page = history.history_page(sources, page_number=request.GET.get("page"))
    return render(
        request,
        "owners/incentive_history.html",
        {
            "incentive": incentive,
            "page": page,
            "breadcrumbs": [
                {"label": "Incentives", "url": reverse("owners:incentive-list")},
                {"label": incentive.name, "url": reverse("owners:incentive-edit", kwargs={"pk": incentive.pk})},
                {"label": "History", "url": None},
            ],
        },
    )


@require_GET
def review_list(request):
    columns = [
        Column("Reviewed", lambda r: r.reviewed_at.strftime("%Y-%m-%d %H:%M")),
        Column("Function", lambda r: r.incentive.function.name),
        Column(
            "Incentive",
            lambda r: r.incentive.name,
            link=lambda r: reverse("owners:review", kwargs={"pk": r.incentive_id, "slug": r.journey.slug}),
        ),
        Column("Journey", lambda r: r.journey.name, link=lambda r: journey_path(r.journey)),
        Column("Verdict", lambda r: r.get_verdict_display(), status=lambda r: r.verdict),
        Column("Reviewer", lambda r: r.reviewer.name if r.reviewer else ""),
        Column("Rationale", lambda r: r.rationale),
    ]
    return render_list(
        request,
        queryset=IncentiveReview.objects.select_related("incentive__function", "journey", "reviewer"),
        filterset_class=IncentiveReviewFilter,
        columns=columns,
        title="Incentive reviews",
        lead="Every verdict ever given, newest first. The newest per incentive and journey is the current one.",
        csv_name="incentive-reviews.csv",
        empty="No reviews match. Managers review incentives from the harmonisation matrix.",
        actions=[{"label": "Harmonisation matrix", "url": reverse("owners:matrix")}],
        breadcrumbs=[{"label": "Incentive matrix", "url": reverse("owners:matrix")}, {"label": "Reviews", "url": ""}],
    )


MEASUREMENT_IMPORTS_PER_PAGE = 25
FEED_MEASUREMENTS_MESSAGE = "Measurements are fed by managers and integration accounts."


def _measurement_imports_crumbs(*last):
    return [
        {"label": "Incentive matrix", "url": reverse("owners:matrix")},
        {"label": "Measurement imports", "url": reverse("owners:measurement-import-list")},
        *last,
    ]


@require_http_methods(["GET", "POST"])
def measurement_import(request):
    """Upload a CSV of incentive measurements; a background job checks and loads it, all or nothing."""
    web.require(request.user, "owners.feed_measurements", message=FEED_MEASUREMENTS_MESSAGE)
    form = MeasurementImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                record = services.measurement_import_create(file=form.cleaned_data["file"], user=request.user)
            except ApplicationError as error:
                web.add_service_error(form, error)
                status = error.status_code
            else:
                messages.success(request, f"'{record.original_name}' is queued; this page follows its progress.")
                return redirect("owners:measurement-import-detail", pk=record.pk)
    return render(
        request,
        "owners/measurement_import.html",
        {
            "form": form,
            "incentives": Incentive.objects.filter(active=True)
            .select_related("function")
            .order_by("function__name", "name"),
            "breadcrumbs": _measurement_imports_crumbs({"label": "Import measurements", "url": ""}),
        },
        status=status,
    )


@require_GET
def measurement_import_list(request):
    """Every CSV of measurements uploaded, newest first, with status, progress and counts."""
    page = Paginator(selectors.measurement_imports(), MEASUREMENT_IMPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "owners/measurement_import_list.html",
        {
            "page": page,
            "imports": page.object_list,
            "can_feed_measurements": request.user.has_perm("owners.feed_measurements"),
            "breadcrumbs": [
                {"label": "Incentive matrix", "url": reverse("owners:matrix")},
                {"label": "Measurement imports", "url": ""},
            ],
        },
    )


@require_GET
def measurement_import_detail(request, pk):
    """One measurement import: live progress while it runs, then its counts or its report by row and column."""
    record = get_object_or_404(selectors.measurement_imports(with_errors=True), pk=pk)
    return render(
        request,
        "owners/measurement_import_detail.html",
        {
            "record": record,
            "progress": record.progress(),
            "can_feed_measurements": request.user.has_perm("owners.feed_measurements"),
            "breadcrumbs": _measurement_imports_crumbs({"label": f"Import {record.pk}", "url": ""}),
        },
    )


@require_GET
def measurement_import_progress(request, pk):
    """The small JSON document the progress bar polls."""
    record = get_object_or_404(selectors.measurement_imports(), pk=pk)
    return JsonResponse(record.progress())


# --- harmonisation matrix and reviews ----------------------------------------------------------


@require_GET
def matrix(request):
    function_slug = request.GET.get("function") or None
    data = selectors.incentive_matrix(function_slug=function_slug)
    can_review = request.user.has_perm("owners.review_incentive")
    for group in data.groups:
        for incentive, cells in group.rows:
            for cell in cells:
                cell.review_url = reverse("owners:review", kwargs={"pk": incentive.pk, "slug": cell.journey.slug})
                # Once raised, the conflict links its issue: raising it again would duplicate the work.
                cell.issue_url = (
                    raise_issue_path(journey=cell.journey, incentive=incentive, review=cell.review)
                    if can_review and cell.state == Verdict.CONFLICTING and cell.issue is None
                    else ""
                )
    return render(
        request,
        "owners/matrix.html",
        {
            "matrix": data,
            "functions": Function.objects.filter(incentives__active=True).distinct().order_by("name"),
            "function_slug": function_slug or "",
            "can_review": can_review,
            "can_feed_measurements": request.user.has_perm("owners.feed_measurements"),
            "breadcrumbs": [{"label": "Incentive matrix", "url": ""}],
        },
    )


@require_http_methods(["GET", "POST"])
def review(request, pk, slug):
    incentive = get_object_or_404(Incentive.objects.select_related("function"), pk=pk)
    journey = get_object_or_404(Journey, slug=slug)
    can_review = request.user.has_perm("owners.review_incentive")
    if request.method == "POST" and not can_review:
        raise PermissionDenied
    touched = selectors.function_touches_journey(function_id=incentive.function_id, journey_id=journey.pk)
    form = IncentiveReviewForm(request.POST or None) if can_review and touched else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.incentive_review_create(
                incentive=incentive,
                journey=journey,
                reviewer=getattr(request.user, "person", None),
                **form.cleaned_data,
            )
        except (ApplicationError, ValidationError) as error:
            web.add_service_error(form, error)
        else:
            messages.success(request, f"Verdict on “{incentive.name}” for {journey.name} recorded.")
            return redirect(f"{reverse('owners:matrix')}#incentive-{incentive.pk}")
    history = list(selectors.review_history(incentive=incentive, journey=journey))
    current = history[0] if history else None
    evidence = selectors.evidence_for(incentive=incentive, journey=journey)
    raised = selectors.raised_issue(incentive=incentive, journey=journey) if current else None
    return render(
        request,
        "owners/review_form.html",
        {
            "incentive": incentive,
            "journey": journey,
            "form": form,
            "touched": touched,
            "history": history,
            "current": current,
            "can_review": can_review,
            "evidence": evidence,
            "raised_issue": raised if current and current.verdict == Verdict.CONFLICTING else None,
            "issue_url": raise_issue_path(journey=journey, incentive=incentive, review=current)
            if can_review and current and current.verdict == Verdict.CONFLICTING and raised is None
            else "",
            "breadcrumbs": [
                {"label": "Incentive matrix", "url": reverse("owners:matrix")},
                {"label": f"{incentive.name} × {journey.name}", "url": ""},
            ],
        },
    )


# --- ownership ---------------------------------------------------------------------------------


@require_GET
def ownership_list(request):
    columns = [
        Column(
            "Journey",
            lambda o: o.journey.name,
            link=lambda o: reverse("owners:journey-ownership", args=[o.journey.slug]),
        ),
        Column("Owner", lambda o: o.person.name, link=lambda o: o.person.get_absolute_url()),
        Column("Mandate", lambda o: o.mandate),
        Column("From", lambda o: o.started_on.isoformat()),
        Column("Until", lambda o: o.ended_on.isoformat() if o.ended_on else ""),
        Column(
            "State",
            lambda o: "Current" if o.is_active else "Ended",
            status=lambda o: "healthy" if o.is_active else "retired",
        ),
    ]
    return render_list(
        request,
        queryset=Ownership.objects.select_related("journey", "person").order_by("journey__name", "-started_on", "-id"),
        filterset_class=OwnershipFilter,
        columns=columns,
        title="Ownerships",
        lead="Who owned which journey, when, and with what mandate.",
        csv_name="ownerships.csv",
        empty="No ownerships match. A manager names a journey's owner from the journey's ownership page.",
    )


@require_http_methods(["GET", "POST"])
def journey_ownership(request, slug):
    """The journey's owner now, the history of its owners, and (managers) the form to assign one."""
    journey = get_object_or_404(Journey, slug=slug)
    can_assign = request.user.has_perm("owners.assign_owner")
    if request.method == "POST" and not can_assign:
        raise PermissionDenied
    history = list(journey.ownerships.select_related("person__function").order_by("-started_on", "-id"))
    current = next((ownership for ownership in history if ownership.is_active), None)
    form = None
    if can_assign:
        form = OwnershipAssignForm(request.POST or None, initial={"expected_current": current.pk if current else None})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                ownership = services.ownership_assign(
                    journey=journey,
                    person=data["person"],
                    mandate=data["mandate"],
                    started_on=data["started_on"],
                    assigned_by=request.user,
                    expected_current=data["expected_current"],
                )
            except (ApplicationError, ValidationError) as error:
                web.add_service_error(form, error)
            else:
                messages.success(request, f"{ownership.person.name} now owns {journey.name}.")
                return redirect(reverse("owners:journey-ownership", args=[journey.slug]))
    return render(
        request,
        "owners/journey_ownership.html",
        {
            "journey": journey,
            "current": current,
            "history": history,
            "form": form,
            "breadcrumbs": [
                {"label": journey.name, "url": journey_path(journey)},
                {"label": "Ownership", "url": ""},
            ],
        },
    )


# --- teams -------------------------------------------------------------------------------------


@require_GET
def team_member_list(request):
    columns = [
        Column(
            "Journey", lambda m: m.journey.name, link=lambda m: reverse("owners:journey-team", args=[m.journey.slug])
        ),
        Column("Person", lambda m: m.person.name, link=lambda m: m.person.get_absolute_url()),
        Column("Function", lambda m: m.person.function.name if m.person.function else ""),
        Column("Role", lambda m: m.role),
    ]
    return render_list(
        request,
        queryset=TeamMembership.objects.select_related("journey", "person__function").order_by(
            "journey__name", "person__name"
        ),
        filterset_class=TeamMembershipFilter,
        columns=columns,
        title="Team members",
        lead="The cross-functional teams of every journey.",
        csv_name="team-members.csv",
        empty="No team members match. A journey's owner builds the team from the journey's team page.",
    )


def _team_page(request, journey, *, add_form=None, status=200):
    can_manage = request.user.has_perm("owners.manage_team", journey)
    memberships = list(
        TeamMembership.objects.filter(journey=journey).select_related("person__function").order_by("person__name")
    )
    gaps = selectors.journey_gaps(journey)
    return render(
        request,
        "owners/journey_team.html",
        {
            "journey": journey,
            "memberships": memberships,
            "can_manage": can_manage,
            "add_form": add_form or (TeamMemberAddForm() if can_manage else None),
            "uncovered_functions": gaps.uncovered_functions,
            "owner": gaps.owner,
            "breadcrumbs": [{"label": journey.name, "url": journey_path(journey)}, {"label": "Team", "url": ""}],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def journey_team(request, slug):
    """The journey's team; its owner or a manager adds people (POST)."""
    journey = get_object_or_404(Journey, slug=slug)
    if request.method == "GET":
        return _team_page(request, journey)
    web.require(request.user, "owners.manage_team", journey, message=TEAM_MESSAGE)
    form = TeamMemberAddForm(request.POST)
    if form.is_valid():
        try:
            membership = services.team_member_add(journey=journey, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            web.add_service_error(form, error)
        else:
            messages.success(request, f"{membership.person.name} joined the {journey.name} team.")
            return redirect(reverse("owners:journey-team", args=[journey.slug]))
    return _team_page(request, journey, add_form=form, status=400)


@require_POST
def journey_team_role(request, slug, pk):
    journey = get_object_or_404(Journey, slug=slug)
    membership = get_object_or_404(TeamMembership.objects.select_related("person"), pk=pk, journey=journey)
    web.require(request.user, "owners.manage_team", journey, message=TEAM_MESSAGE)
    form = TeamMemberRoleForm(request.POST)
    if form.is_valid():
        services.team_member_change_role(membership=membership, role=form.cleaned_data["role"])
        messages.success(request, f"{membership.person.name}'s role was changed.")
    else:
        messages.error(request, "The role is too long (120 characters at most); nothing was changed.")
    return redirect(reverse("owners:journey-team", args=[journey.slug]))


@require_POST
def journey_team_remove(request, slug, pk):
    journey = get_object_or_404(Journey, slug=slug)
    membership = get_object_or_404(TeamMembership.objects.select_related("person"), pk=pk, journey=journey)
    web.require(request.user, "owners.manage_team", journey, message=TEAM_MESSAGE)
    if not web.confirmed(request):
        return web.confirmation_page(
            request,
            title=f"Remove {membership.person.name} from the team?",
            question=f"Remove {membership.person.name} from the {journey.name} team?",
            consequence="They keep their issues and updates; you can add them again later.",
            confirm_label=f"Remove {membership.person.name}",
            cancel_url=reverse("owners:journey-team", args=[journey.slug]),
        )
    services.team_member_remove(membership=membership)
    messages.success(request, f"{membership.person.name} left the {journey.name} team.")
    return redirect(reverse("owners:journey-team", args=[journey.slug]))


# --- responsibilities --------------------------------------------------------------------------


@require_GET
def responsibility_list(request):
    columns = [
        Column(
            "Journey",
            lambda r: r.touchpoint.journey.name,
            link=lambda r: reverse("owners:journey-responsibilities", args=[r.touchpoint.journey.slug]),
        ),
        Column("Stage", lambda r: r.touchpoint.stage.name),
        Column("Touchpoint", lambda r: r.touchpoint.name),
        Column("Key", lambda r: r.touchpoint.key),
        Column("Function", lambda r: r.function.name, link=lambda r: r.function.get_absolute_url()),
    ]
    return render_list(
        request,
        queryset=Responsibility.objects.select_related("touchpoint__journey", "touchpoint__stage", "function").order_by(
            "touchpoint__journey__name", "touchpoint__stage__position", "touchpoint__position", "function__name"
        ),
        filterset_class=ResponsibilityFilter,
        columns=columns,
        title="Responsibilities",
        lead="Which function delivers each touchpoint: the swimlanes of the service blueprints.",
        csv_name="responsibilities.csv",
        empty="No responsibilities match. A journey's owner assigns functions on the journey's responsibilities page.",
    )


@require_http_methods(["GET", "POST"])
def journey_responsibilities(request, slug):
    """A grid of the journey's touchpoints by functions; the owner or a manager ticks who delivers what."""
    journey = get_object_or_404(Journey, slug=slug)
    can_edit = request.user.has_perm("journeys.change_journey", journey)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        try:
            pairs = set()
            for value in request.POST.getlist("pair"):
                touchpoint_id, function_id = value.split(":")
                pairs.add((int(touchpoint_id), int(function_id)))
        except ValueError:
            messages.error(request, "The form was not understood; nothing was changed.")
        else:
            try:
                result = services.responsibilities_set(journey=journey, pairs=pairs)
            except ApplicationError as error:
                messages.error(request, f"{error.message} Nothing was changed.")
            else:
                messages.success(
                    request, f"Responsibilities saved: {result['added']} added, {result['removed']} removed."
                )
                return redirect(reverse("owners:journey-responsibilities", args=[journey.slug]))
    touchpoints = list(Touchpoint.objects.in_use().filter(journey=journey).select_related("stage"))
    every_function = list(Function.objects.order_by("name"))
    assigned = set(
        Responsibility.objects.filter(touchpoint__journey=journey).values_list("touchpoint_id", "function_id")
    )
    # The functions involved come first; the rest of the organisation only on demand (an editor
    # adding a function), or when nobody is assigned yet and the editor starts from scratch.
    involved_ids = {function_id for _, function_id in assigned}
    show_all = can_edit and (request.GET.get("functions") == "all" or not involved_ids)
    functions = [function for function in every_function if show_all or function.pk in involved_ids]
    rows = [
        {
            "touchpoint": touchpoint,
            "cells": [
                {"function": function, "checked": (touchpoint.pk, function.pk) in assigned} for function in functions
            ],
            "unassigned": not any((touchpoint.pk, function.pk) in assigned for function in functions),
        }
        for touchpoint in touchpoints
    ]
    return render(
        request,
        "owners/journey_responsibilities.html",
        {
            "journey": journey,
            "functions": functions,
            "rows": rows,
            "can_edit": can_edit,
            "show_all": show_all,
            "other_function_count": len(every_function) - len(functions),
            "has_functions": bool(every_function),
            "breadcrumbs": [
                {"label": journey.name, "url": journey_path(journey)},
                {"label": "Responsibilities", "url": ""},
            ],
        },
    )


# --- gaps --------------------------------------------------------------------------------------


@require_GET
def gaps_list(request):
    """Ownership gaps across the portfolio of active journeys (filter by gap)."""
    gap = request.GET.get("gap", "")
    journeys = Journey.objects.active().order_by("name")
    all_gaps = list(selectors.journeys_gaps(journeys).values())
    rows = [entry for entry in all_gaps if (entry.has_gaps if not gap else gap in entry.codes)]
    if request.GET.get("format") == "csv":
        columns = [
            Column("Journey", lambda g: g.journey.name),
            Column("Slug", lambda g: g.journey.slug),
            Column("Owner", lambda g: g.owner.person.name if g.owner else ""),
            Column("Gaps", lambda g: " ".join(g.codes)),
            Column("Functions not on the team", lambda g: "; ".join(f.name for f in g.uncovered_functions)),
            Column("Unreviewed incentives", lambda g: len(g.unreviewed_incentives)),
            Column("Conflicting incentives", lambda g: len(g.conflicting_incentives)),
            Column(
                "Map reviewed on", lambda g: g.journey.map_reviewed_on.isoformat() if g.journey.map_reviewed_on else ""
            ),
            Column(
                "Harmonisation index",
                lambda g: "" if g.harmonisation_index is None else f"{g.harmonisation_index:.2f}",
            ),
        ]
        return csv_response("ownership-gaps.csv", columns, rows)
    counts = {code: sum(1 for entry in all_gaps if code in entry.codes) for code in Gap.values}
    return render(
        request,
        "owners/gaps_list.html",
        {
            "rows": rows,
            "gap": gap,
            "gap_choices": [(code, label, counts[code]) for code, label in Gap.choices],
            "journey_count": len(all_gaps),
            "can_assign_owner": request.user.has_perm("owners.assign_owner"),
            "breadcrumbs": [{"label": "Ownership gaps", "url": ""}],
        },
    )
