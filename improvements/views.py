"""Pages of the improvement loop: issues (list, export, log, detail, triage) and initiatives
(board, ranking, detail with updates, create, edit, moves). Thin: reads through selectors,
writes through services; errors of the services become form errors or messages."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import web
from core.errors import ApplicationError
from core.markup import render_markdown_lite
from journeys import health_components
from journeys.models import Journey
from journeys.selectors.maps import STALE_MAP_DAYS
from owners.models import Person

from . import portfolio as portfolio_reads
from . import selectors, services
from .choices import InitiativeStatus
from .filters import InitiativeFilter, IssueFilter
from .forms import (
    CommentForm,
    InitiativeForm,
    InitiativeMoveForm,
    InitiativeUpdateForm,
    IssueEditForm,
    IssueLogForm,
    IssueTriageForm,
    PortfolioFilterForm,
)
from .impact import expected_gain_points, format_delta, format_value, impact_of, lower_is_better, measured_impact_of
from .mentions import mention_text
from .models import COMMENT_EDIT_MINUTES, Comment, Initiative, Issue

PAGE_SIZE = 50
_no_person_message = services.missing_person_message
RANKABLE_STATUSES = (InitiativeStatus.PROPOSED, InitiativeStatus.APPROVED, InitiativeStatus.IN_PROGRESS)


def _query_without(request, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# --- issues ------------------------------------------------------------------------------------


@require_GET
def issue_list(request):
    filterset = IssueFilter(request.GET or None, queryset=selectors.issue_list())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "improvements/issue_list.html",
        {
            "filter": filterset,
            "page": page,
            "issues": page.object_list,
            "query": _query_without(request, "page"),
            "journey_chosen": bool(request.GET.get("journey")),
            "breadcrumbs": [{"label": "Issues", "url": None}],
        },
    )


@require_GET
def issue_export(request):
    """The filtered issue list as CSV, streamed so a large export never sits in memory."""
    filterset = IssueFilter(request.GET or None, queryset=selectors.issue_list())
    header = [
        "id",
        "journey",
        "stage",
        "touchpoint",
        "title",
        "symptom",
        "root_cause",
        "category",
        "severity",
        "status",
        "due_date",
        "overdue",
        "responsible_functions",
        "reported_by",
        "assignee",
        "reported_at",
    ]
    rows = (
        [
            issue.pk,
            issue.journey.slug,
            issue.stage.name if issue.stage else "",
            issue.touchpoint.key if issue.touchpoint else "",
            issue.title,
            issue.symptom,
            issue.root_cause,
            issue.category,
            issue.severity,
            issue.status,
            issue.due_date.isoformat() if issue.due_date else "",
            "yes" if issue.is_overdue else "no",
            ";".join(function.slug for function in issue.functions.all()),
            issue.reported_by.name if issue.reported_by else "",
            issue.assignee.name if issue.assignee else "",
            timezone.localtime(issue.created_at).isoformat(timespec="seconds"),
        ]
        for issue in filterset.qs.iterator(chunk_size=500)
    )
    return web.csv_response(f"issues-{timezone.localdate():%Y-%m-%d}.csv", header, rows)


LOG_ISSUE_REFUSED = (
    "Issues are logged by a journey's team, its owner and managers, and you are on no journey's team yet. "
    "Ask a journey's owner to add you to the team."
)
PROPOSE_REFUSED = "Initiatives are proposed by a journey's owner and by managers, and you own no journey."


def _log_issue_refused_on(journey) -> str:
    return (
        f"Only the team, the owner of “{journey}” and managers can log issues on it. "
        "Ask its owner to add you to the team."
    )


@require_http_methods(["GET", "POST"])
def issue_create(request):
    person = selectors.person_of(request.user)
    status = 200
    if request.method == "POST":
        status = 400
        form = IssueLogForm(request.POST)
        if not form.is_valid():
            if person is None:
                form.add_error(None, _no_person_message("log an issue"))
        else:
            journey = form.cleaned_data["journey"]
            if not request.user.has_perm("improvements.log_issue", journey):
                status = 403  # refused, not bad input: the form says why and who can
                form.add_error("journey", _log_issue_refused_on(journey))
            elif person is None:
                form.add_error(None, _no_person_message("log an issue"))
            else:
                try:
                    issue = services.issue_log(
                        journey=journey,
                        reported_by=person,
                        title=form.cleaned_data["title"],
                        symptom=form.cleaned_data["symptom"],
                        category=form.cleaned_data["category"],
                        severity=form.cleaned_data["severity"],
                        stage=form.cleaned_data["stage"],
                        touchpoint=form.cleaned_data["touchpoint"],
                        functions=form.cleaned_data["functions"],
                        incentive=form.cleaned_data["incentive"],
                    )
                except (ValidationError, ApplicationError) as error:
                    web.add_service_error(form, error)
                else:
                    messages.success(request, f"Issue “{issue.title}” logged.")
                    return redirect(issue)
        journey = None
    else:
        web.require(request.user, "improvements.log_issue_anywhere", message=LOG_ISSUE_REFUSED)
        initial, journey = IssueLogForm.initial_from_query(request.GET)
        if journey is not None:
            web.require(request.user, "improvements.log_issue", journey, message=_log_issue_refused_on(journey))
        raised = (
            selectors.conflict_issue(incentive_id=initial["incentive"].pk, journey_id=journey.pk)
            if journey and initial.get("incentive")
            else None
        )
        if raised is not None:
            messages.info(request, f"This conflict was already raised as issue #{raised.pk}: here it is.")
            return redirect(raised)
        form = IssueLogForm(initial=initial, journey=journey, user=request.user)
    return render(
        request,
        "improvements/issue_form.html",
        {
            "form": form,
            "person_missing": person is None,
            "no_person_message": _no_person_message("log an issue"),
            "journey": journey,
            "title": "Log an issue",
            "breadcrumbs": [
                {"label": "Issues", "url": reverse("improvements:issue-list")},
                {"label": "Log an issue", "url": None},
            ],
        },
        status=status,
    )


def _issue_page(request, issue: Issue, *, triage_form=None, comment_form=None, status=200):
    can_triage = request.user.has_perm("improvements.triage_issue", issue)
    can_see_history = request.user.has_perm("core.view_history", issue)
    if can_triage and triage_form is None:
        triage_form = IssueTriageForm(instance=issue)
    return render(
        request,
        "improvements/issue_detail.html",
        {
            "issue": issue,
            "triage_form": triage_form if can_triage else None,
            "can_triage": can_triage,
            "can_propose": request.user.has_perm("improvements.manage_initiative", issue),
            "can_see_history": can_see_history,
            "history": selectors.history_entries(issue) if can_see_history else [],
            **_comments_context(request, issue, comment_form),
            "breadcrumbs": [
                {"label": "Issues", "url": reverse("improvements:issue-list")},
                {"label": issue.title, "url": None},
            ],
        },
        status=status,
    )


@require_GET
def issue_detail(request, pk: int):
    issue = get_object_or_404(selectors.issue_detail_queryset(), pk=pk)
    return _issue_page(request, issue)


@require_POST
def issue_triage(request, pk: int):
    issue = get_object_or_404(selectors.issue_detail_queryset(), pk=pk)
    web.require(request.user, "improvements.triage_issue", issue, message=services.NOT_ALLOWED_ON_JOURNEY)
    form = IssueTriageForm(request.POST, instance=issue)
    if form.is_valid():
        try:
            services.issue_triage(
                issue=issue,
                status=form.cleaned_data["status"],
                root_cause=form.cleaned_data["root_cause"],
                assignee=form.cleaned_data["assignee"],
                version=form.cleaned_data["version"],
            )
        except (ValidationError, ApplicationError) as error:
            web.add_service_error(form, error)
        else:
            messages.success(request, "Issue updated.")
            return redirect(issue)
    issue.refresh_from_db()
    return _issue_page(request, issue, triage_form=form, status=400)


@require_http_methods(["GET", "POST"])
def issue_edit(request, pk: int):
    issue = get_object_or_404(selectors.issue_list(), pk=pk)
    web.require(request.user, "improvements.triage_issue", issue, message=services.NOT_ALLOWED_ON_JOURNEY)
    form = IssueEditForm(request.POST or None, instance=issue)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.issue_edit(issue=issue, data=data, version=form.cleaned_data["version"])
        except (ValidationError, ApplicationError) as error:
            web.add_service_error(form, error)
        else:
            messages.success(request, "Issue saved.")
            return redirect(issue)
    return render(
        request,
        "improvements/issue_edit_form.html",
        {
            "form": form,
            "issue": issue,
            "breadcrumbs": [
                {"label": "Issues", "url": reverse("improvements:issue-list")},
                {"label": issue.title, "url": issue.get_absolute_url()},
                {"label": "Edit", "url": None},
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


# --- comments ----------------------------------------------------------------------------------


def _comments_context(request, item, comment_form=None) -> dict:
    """The thread of an issue or an initiative, the form for those who may comment, the author's links."""
    person = selectors.person_of(request.user)
    can_comment = request.user.has_perm("improvements.comment", item)
    now = timezone.now()
    comments = list(selectors.comment_thread(item))
    for comment in comments:
        comment.rendered = render_markdown_lite(comment.body)
        comment.changeable = (
            person is not None
            and comment.author_id == person.pk
            and services.comment_still_changeable(comment, now=now)
        )
    kind = "issue" if isinstance(item, Issue) else "initiative"
    return {
        "comments": comments,
        "can_comment": can_comment and person is not None,
        "comment_refused_reason": (_no_person_message("comment") if can_comment and person is None else ""),
        "comment_form": comment_form or CommentForm(),
        "comment_action": reverse(f"improvements:{kind}-comment", kwargs={"pk": item.pk}),
        "comment_edit_minutes": COMMENT_EDIT_MINUTES,
    }


def _comment_post(request, item, page):
    web.require(request.user, "improvements.comment", item, message=services.NOT_ALLOWED_ON_JOURNEY)
    form = CommentForm(request.POST)
    person = selectors.person_of(request.user)
    if person is None:
        form.add_error(None, _no_person_message("comment"))
    elif form.is_valid():
        try:
            comment = services.comment_post(item=item, author=person, body=form.cleaned_data["body"])
        except (ValidationError, ApplicationError) as error:
            web.add_service_error(form, error)
        else:
            named = ", ".join(person.name for person in comment.mentioned.all())
            messages.success(request, f"Comment posted{f'; {named} will be told' if named else ''}.")
            return HttpResponseRedirect(comment.get_absolute_url())
    return page(request, item, comment_form=form, status=400)


@require_POST
def issue_comment(request, pk: int):
    issue = get_object_or_404(selectors.issue_detail_queryset(), pk=pk)
    return _comment_post(request, issue, _issue_page)


@require_POST
def initiative_comment(request, pk: int):
    initiative = get_object_or_404(selectors.initiative_detail_queryset(), pk=pk)
    return _comment_post(request, initiative, _initiative_page)


def _own_comment(request, pk: int) -> tuple[Comment, Person]:
    """The comment and its author, the requester; anyone else (an administrator too) is refused."""
    comment = get_object_or_404(selectors.comment_list(), pk=pk)
    web.require(request.user, "improvements.change_comment", comment, message=services.COMMENT_NOT_YOURS)
    person = selectors.person_of(request.user)
    if person is None or person.pk != comment.author_id:
        raise PermissionDenied(services.COMMENT_NOT_YOURS)
    return comment, person


def _comment_breadcrumbs(comment: Comment, last: str) -> list[dict]:
    item = comment.item
    if comment.issue_id:
        first = {"label": "Issues", "url": reverse("improvements:issue-list")}
    else:
        first = {"label": "Initiatives", "url": reverse("improvements:initiative-board")}
    return [first, {"label": item.title, "url": item.get_absolute_url()}, {"label": last, "url": None}]


@require_http_methods(["GET", "POST"])
def comment_edit(request, pk: int):
    """The author edits (or, from the same page, deletes) their comment in its first 15 minutes."""
    comment, author = _own_comment(request, pk)
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    too_late = not services.comment_still_changeable(comment)
    status = 200
    if too_late:
        form.add_error(None, services.COMMENT_TOO_LATE)
        status = 409 if request.method == "POST" else 200
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                comment = services.comment_edit(comment=comment, author=comment.author, body=form.cleaned_data["body"])
            except (ValidationError, ApplicationError) as error:
                web.add_service_error(form, error)
                status = 409 if isinstance(error, ApplicationError) else 400
            else:
                messages.success(request, "Comment saved.")
                return HttpResponseRedirect(comment.get_absolute_url())
    return render(
        request,
        "improvements/comment_form.html",
        {
            "form": form,
            "comment": comment,
            "too_late": too_late,
            "comment_edit_minutes": COMMENT_EDIT_MINUTES,
            "breadcrumbs": _comment_breadcrumbs(comment, "Edit your comment"),
        },
        status=status,
    )


@require_POST
def comment_delete(request, pk: int):
    comment, author = _own_comment(request, pk)
    back = comment.item.get_absolute_url()
    try:
        services.comment_delete(comment=comment, author=author)
    except ApplicationError as error:
        messages.error(request, f"The comment was not deleted: {error.message}")
        return render(
            request,
            "improvements/comment_form.html",
            {
                "form": CommentForm(initial={"body": comment.body}),
                "comment": comment,
                "too_late": True,
                "comment_edit_minutes": COMMENT_EDIT_MINUTES,
                "breadcrumbs": _comment_breadcrumbs(comment, "Edit your comment"),
            },
            status=409,
        )
    messages.success(request, "Comment deleted.")
    return HttpResponseRedirect(f"{back}#comments")


@require_GET
def mention_people(request):
    """The comment box's autocomplete: active people whose name or login name starts with ``q`` (JSON)."""
    people = selectors.people_to_mention(request.GET.get("q", ""))
    return JsonResponse(
        {
            "results": [
                {
                    "id": person.pk,
                    "name": person.name,
                    "title": person.title,
                    "function": person.function.name if person.function_id else "",
                    "mention": mention_text(person),
                }
                for person in people
            ]
        }
    )


# --- initiatives -------------------------------------------------------------------------------


def _board_filter(request):
    return InitiativeFilter(request.GET or None, queryset=selectors.initiative_list())


@require_GET
def initiative_board(request):
    filterset = _board_filter(request)
    initiatives = filterset.qs.order_by("due_date", "id")
    steerable = selectors.steerable_journey_ids(request.user)
    columns = selectors.initiative_board(initiatives)
    here = request.get_full_path()
    for column in columns:
        for card in column["cards"]:
            card.can_move = steerable is None or card.journey_id in steerable
            card.move_form = InitiativeMoveForm(initiative=card) if card.can_move else None
    return render(
        request,
        "improvements/initiative_board.html",
        {
            "filter": filterset,
            "columns": columns,
            "total": sum(len(column["cards"]) for column in columns),
            "next": here,
            "query": _query_without(request, "page"),
            "breadcrumbs": [{"label": "Initiatives", "url": None}],
        },
    )


@require_GET
def initiative_ranking(request):
    params = request.GET.copy()
    if not params.getlist("status"):
        params.setlist("status", [status.value for status in RANKABLE_STATUSES])
    filterset = InitiativeFilter(params, queryset=selectors.initiative_ranking())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "improvements/initiative_ranking.html",
        {
            "filter": filterset,
            "page": page,
            "initiatives": page.object_list,
            "rank_offset": page.start_index() - 1 if page.paginator.count else 0,
            "query": _query_without(request, "page"),
            "breadcrumbs": [
                {"label": "Initiatives", "url": reverse("improvements:initiative-board")},
                {"label": "Ranked by value", "url": None},
            ],
        },
    )


@require_GET
def initiative_export(request):
    filterset = _board_filter(request)
    header = [
        "id",
        "journey",
        "title",
        "status",
        "lead",
        "contributing_functions",
        "target_component",
        "baseline_value",
        "target_value",
        "result_value",
        "result_change",
        "impact_verdict",
        "impact_effect",
        "impact_ci_low",
        "impact_ci_high",
        "start_date",
        "due_date",
        "delivered_on",
        "effort_person_days",
        "expected_gain",
        "gain_per_person_day",
        "latest_progress",
        "overdue",
    ]

    def row(initiative):
        impact = impact_of(initiative.target_component, initiative.baseline_value, initiative.result_value)
        return [
            initiative.pk,
            initiative.journey.slug,
            initiative.title,
            initiative.status,
            initiative.lead.name if initiative.lead else "",
            ";".join(function.slug for function in initiative.functions.all()),
            initiative.target_component,
            initiative.baseline_value,
            initiative.target_value,
            initiative.result_value,
            f"{impact.delta:.4f} ({impact.direction})" if impact else "",
            *(
                (measured.verdict, f"{measured.effect:.4f}", f"{measured.ci_low:.4f}", f"{measured.ci_high:.4f}")
                if (measured := getattr(initiative, "impact", None))
                else ("", "", "", "")
            ),
            initiative.start_date or "",
            initiative.due_date or "",
            initiative.delivered_on or "",
            initiative.effort if initiative.effort is not None else "",
            initiative.expected_gain if initiative.expected_gain is not None else "",
            f"{initiative.gain_per_person_day:.4f}" if initiative.gain_per_person_day is not None else "",
            initiative.latest_progress if initiative.latest_progress is not None else "",
            "yes" if initiative.is_overdue else "no",
        ]

    rows = (
        row(initiative)
        for initiative in filterset.qs.select_related("impact").order_by("due_date", "id").iterator(chunk_size=500)
    )
    return web.csv_response(f"initiatives-{timezone.localdate():%Y-%m-%d}.csv", header, rows)


def _comparison_label(initiative: Initiative) -> str:
    parts = []
    if initiative.comparison_segments:
        parts.append(f"segments {', '.join(initiative.comparison_segments)}")
    journeys = [journey.name for journey in initiative.comparison_journeys.all()]
    if journeys:
        parts.append(f"journeys {', '.join(journeys)}")
    return "; ".join(parts)


def _initiative_page(
    request, initiative: Initiative, *, update_form=None, move_form=None, comment_form=None, status=200
):
    periods = getattr(initiative, "impact", None)
    can_manage = request.user.has_perm("improvements.manage_initiative", initiative)
    can_post = request.user.has_perm("improvements.post_update", initiative)
    can_see_history = request.user.has_perm("core.view_history", initiative)
    component = initiative.target_component
    measure_on = (
        initiative.delivered_on + dt.timedelta(days=initiative.measurement_days) if initiative.delivered_on else None
    )
    return render(
        request,
        "improvements/initiative_detail.html",
        {
            "initiative": initiative,
            "impact": impact_of(component, initiative.baseline_value, initiative.result_value),
            "measured": measured_impact_of(initiative),
            "periods": periods,
            "target_change_display": (
                format_delta(component, periods.after - periods.before) if periods is not None else None
            ),
            "comparison_change_display": (
                format_delta(component, periods.comparison_change)
                if periods is not None and periods.comparison_change is not None
                else None
            ),
            "comparison_label": _comparison_label(initiative),
            "mde_display": format_delta(component, initiative.mde, signed=False)
            if initiative.mde is not None
            else None,
            "expected_gain_display": (
                format_delta(component, initiative.expected_gain) if initiative.expected_gain is not None else None
            ),
            "expected_points": expected_gain_points(
                component,
                initiative.expected_gain,
                has_target_duration=initiative.journey.target_duration is not None,
            ),
            "baseline_display": format_value(component, initiative.baseline_value),
            "target_display": format_value(component, initiative.target_value),
            "result_display": format_value(component, initiative.result_value),
            "lower_is_better": lower_is_better(component),
            "measure_on": measure_on,
            "can_manage": can_manage,
            "can_post": can_post and initiative.status != InitiativeStatus.CANCELLED,
            "person_missing": selectors.person_of(request.user) is None,
            "no_person_message": _no_person_message("post an update"),
            "update_form": update_form or InitiativeUpdateForm(),
            "move_form": move_form or (InitiativeMoveForm(initiative=initiative) if can_manage else None),
            "can_see_history": can_see_history,
            "history": selectors.history_entries(initiative) if can_see_history else [],
            **_comments_context(request, initiative, comment_form),
            "breadcrumbs": [
                {"label": "Initiatives", "url": reverse("improvements:initiative-board")},
                {"label": initiative.title, "url": None},
            ],
        },
        status=status,
    )


@require_GET
def initiative_detail(request, pk: int):
    initiative = get_object_or_404(selectors.initiative_detail_queryset(), pk=pk)
    return _initiative_page(request, initiative)


@require_POST
def initiative_transition(request, pk: int):
    """A card moved on the board or the detail page: same workflow service as the API."""
    initiative = get_object_or_404(Initiative.objects.select_related("journey"), pk=pk)
    web.require(request.user, "improvements.manage_initiative", initiative, message=services.NOT_ALLOWED_ON_JOURNEY)
    form = InitiativeMoveForm(request.POST, initiative=initiative)
    back = _safe_next(request, initiative.get_absolute_url())
    if not form.is_valid():
        problem = " ".join(form.errors["version"]) if "version" in form.errors else "Choose the status to move it to."
        messages.error(request, f"“{initiative.title}” was not moved: {problem}")
        return HttpResponseRedirect(back)
    try:
        moved = services.initiative_transition(
            initiative=initiative,
            status=form.cleaned_data["status"],
            delivered_on=form.cleaned_data["delivered_on"],
            version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        messages.error(request, f"“{initiative.title}” was not moved: {' '.join(error.messages)}")
    except ApplicationError as error:
        messages.error(request, f"“{initiative.title}” was not moved: {error.message}")
    else:
        messages.success(request, f"“{moved.title}” is now {moved.get_status_display().lower()}.")
    return HttpResponseRedirect(back)


@require_POST
def initiative_update_create(request, pk: int):
    initiative = get_object_or_404(selectors.initiative_detail_queryset(), pk=pk)
    web.require(request.user, "improvements.post_update", initiative, message=services.NOT_ALLOWED_ON_JOURNEY)
    form = InitiativeUpdateForm(request.POST)
    person = selectors.person_of(request.user)
    if person is None:
        form.add_error(None, _no_person_message("post an update"))
    elif form.is_valid():
        try:
            services.initiative_update_post(
                initiative=initiative,
                author=person,
                body=form.cleaned_data["body"],
                progress=form.cleaned_data["progress"],
            )
        except (ValidationError, ApplicationError) as error:
            web.add_service_error(form, error)
        else:
            messages.success(request, "Update posted.")
            return redirect(initiative)
    return _initiative_page(request, initiative, update_form=form, status=400)


def _initiative_data(form) -> dict:
    return {name: form.cleaned_data[name] for name in InitiativeForm.Meta.fields}


@require_http_methods(["GET", "POST"])
def initiative_create(request):
    journey_slug = request.GET.get("journey")
    journey = Journey.objects.filter(slug=journey_slug).first() if journey_slug else None
    if journey is None:
        web.require(request.user, "improvements.manage_initiative_anywhere", message=PROPOSE_REFUSED)
        journeys = Journey.objects.exclude(status="retired").order_by("name")
        steerable = selectors.steerable_journey_ids(request.user)
        if steerable is not None:
            journeys = journeys.filter(pk__in=steerable)
        return render(
            request,
            "improvements/initiative_pick_journey.html",
            {
                "journeys": journeys,
                "breadcrumbs": [
                    {"label": "Initiatives", "url": reverse("improvements:initiative-board")},
                    {"label": "Propose an initiative", "url": None},
                ],
            },
        )
    web.require(request.user, "improvements.manage_initiative", journey, message=services.NOT_ALLOWED_ON_JOURNEY)
    if request.method == "POST":
        form = InitiativeForm(request.POST, journey=journey)
        if form.is_valid():
            try:
                initiative = services.initiative_propose(journey=journey, **_initiative_data(form))
            except (ValidationError, ApplicationError) as error:
                web.add_service_error(form, error)
            else:
                messages.success(request, f"Initiative “{initiative.title}” proposed.")
                return redirect(initiative)
    else:
        issue_ids = [value for value in request.GET.getlist("issues") if value.isdigit()]
        form = InitiativeForm(
            journey=journey,
            initial={"issues": issue_ids, "measurement_days": 30},
        )
    return render(
        request,
        "improvements/initiative_form.html",
        {
            "form": form,
            "journey": journey,
            "title": f"Propose an initiative for {journey}",
            "breadcrumbs": [
                {"label": "Initiatives", "url": reverse("improvements:initiative-board")},
                {"label": "Propose", "url": None},
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def initiative_edit(request, pk: int):
    initiative = get_object_or_404(Initiative.objects.select_related("journey"), pk=pk)
    web.require(request.user, "improvements.manage_initiative", initiative, message=services.NOT_ALLOWED_ON_JOURNEY)
    form = InitiativeForm(request.POST or None, instance=initiative, journey=initiative.journey)
    if request.method == "POST" and form.is_valid():
        try:
            services.initiative_edit(
                initiative=initiative, data=_initiative_data(form), version=form.cleaned_data["version"]
            )
        except (ValidationError, ApplicationError) as error:
            web.add_service_error(form, error)
        else:
            messages.success(request, "Initiative saved.")
            return redirect(initiative)
    return render(
        request,
        "improvements/initiative_form.html",
        {
            "form": form,
            "journey": initiative.journey,
            "initiative": initiative,
            "title": f"Edit “{initiative.title}”",
            "breadcrumbs": [
                {"label": "Initiatives", "url": reverse("improvements:initiative-board")},
                {"label": initiative.title, "url": initiative.get_absolute_url()},
                {"label": "Edit", "url": None},
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


# --- the journey page panel ------------------------------------------------------------------


def journey_panel_context(request, journey) -> dict:
    """Context of the "Issues and initiatives" panel on the journey page (registered in apps.py)."""
    return {"improvements_panel": selectors.journey_panel(journey=journey, user=request.user)}


# --- the portfolio (home page) ------------------------------------------------------------------


@require_GET
def portfolio(request):
    """``/``: every active journey's health, issues, initiatives and gaps, and the visitor's own work."""
    today = timezone.localdate()
    rows = portfolio_reads.portfolio_rows(today=today)
    form = PortfolioFilterForm(request.GET or None, choices=portfolio_reads.filter_choices(rows))
    form.is_valid()
    filters = portfolio_reads.PortfolioFilters(**form.filters())
    shown = portfolio_reads.filter_and_sort(rows, filters)
    context = {
        "rows": portfolio_reads.grouped_rows(shown) if filters.group == portfolio_reads.Group.TOP else shown,
        "journey_count": len(rows),
        "form": form,
        "filters": filters,
        "gap_summary": portfolio_reads.gap_summary(shown),
        "my_work": portfolio_reads.my_work(request.user, rows),
        "trend_start": today - dt.timedelta(weeks=portfolio_reads.TREND_WEEKS),
        "trend_end": today,
        "can_create_journey": request.user.has_perm("journeys.create_journey"),
        "health_alerts": health_components.ALERTS,
        "healthy_from": health_components.HEALTHY_FROM,
        "at_risk_from": health_components.AT_RISK_FROM,
        "stale_map_days": STALE_MAP_DAYS,
        "breadcrumbs": [],
    }
    return render(request, "improvements/portfolio.html", context)
