"""Reads of the improvements app: lists with their joins, the journey panel, audit history."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    FloatField,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone

from core.history import HistoryEntry, changes, people_names, related_names, user_label
from core.prototypes import built_once
from core.rules import is_manager
from journeys.choices import Component
from journeys.health_components import MEASURES, OVERALL
from journeys.models import HealthSnapshot, Journey, JourneyInstance, Stage, Touchpoint
from owners.models import Function, Ownership, Person, TeamMembership

from .choices import (
    IN_FLIGHT_INITIATIVE_STATUSES,
    OPEN_ISSUE_STATUSES,
    InitiativeStatus,
    IssueStatus,
    Severity,
)
from .models import Comment, Initiative, InitiativeUpdate, Issue

# Initiatives past these statuses can no longer be late.
FINISHED_INITIATIVE_STATUSES = (InitiativeStatus.DELIVERED, InitiativeStatus.MEASURED, InitiativeStatus.CANCELLED)


# --- people and roles --------------------------------------------------------------------------


def person_of(user) -> Person | None:
    """The directory entry of a login, or None when the login is not linked to a person."""
    if not user.is_authenticated:
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def steerable_journey_ids(user) -> set[int] | None:
    """Journeys whose issues the user may triage and whose initiatives they may manage.

    Mirrors ``can_steer_journey`` of core/rules.py in one query for whole lists; None = all.
    """
    if not user.is_authenticated:
        return set()
    if is_manager(user):
        return None
    return set(Ownership.objects.active().filter(person__user=user).values_list("journey_id", flat=True).distinct())


def contributable_journey_ids(user) -> set[int] | None:
    """Journeys on which the user may log issues and post updates (``can_contribute_to_journey``)."""
    steerable = steerable_journey_ids(user)
    if steerable is None:
        return None
    return steerable | set(TeamMembership.objects.filter(person__user=user).values_list("journey_id", flat=True))


def user_journey_ids(user, which: str) -> set[int] | None:
    """``steerable`` or ``contributable`` journey ids, read once per user object (a request's user):
    a page asks several times (its buttons, its form's choices)."""
    attribute = f"_throughline_{which}_journey_ids"
    if not hasattr(user, attribute):
        reader = steerable_journey_ids if which == "steerable" else contributable_journey_ids
        setattr(user, attribute, reader(user))
    return getattr(user, attribute)


# --- health snapshots --------------------------------------------------------------------------


def latest_overall_snapshot(*, journey_id: int) -> HealthSnapshot | None:
    """The journey's newest snapshot for all customers (segment '')."""
    return HealthSnapshot.objects.filter(journey_id=journey_id, segment=OVERALL).order_by("-as_of").first()


def component_value(snapshot: HealthSnapshot | None, component: str) -> float | None:
    """A snapshot's value of a health component (``score`` or one of the component columns)."""
    if snapshot is None:
        return None
    value = getattr(snapshot, Component(component).value)
    return None if value is None else float(value)


def journey_segments(journey: Journey) -> list[str]:
    """The segments of a journey's customers (its instances), for choosing a scope or a comparison."""
    return list(
        JourneyInstance.objects.filter(journey=journey)
        .exclude(segment="")
        .order_by("segment")
        .values_list("segment", flat=True)
        .distinct()
    )


# --- issues ------------------------------------------------------------------------------------


def overdue_issue_condition(*, today: dt.date) -> Q:
    """Open issues whose due date has passed (a finished issue is never late)."""
    return Q(due_date__lt=today, status__in=OPEN_ISSUE_STATUSES)


def issue_list(*, today: dt.date | None = None) -> QuerySet[Issue]:
    """Every issue with what a list row shows and its overdue flag, in a constant number of queries.

    The people are one batched lookup each per page (``WHERE id IN (...)``), not joins: with both
    joined too, PostgreSQL spent 12-30 ms planning the six-table join for a page it then read in
    1 ms (EXPLAIN at scale 1); journey, stage and touchpoint alone plan in about 1 ms.
    """
    people = Person.objects.all()
    return _issues(today=today).prefetch_related(
        Prefetch("reported_by", queryset=people),
        Prefetch("assignee", queryset=people),
        Prefetch("functions", queryset=Function.objects.order_by("name")),
    )


def issue_rows(*, today: dt.date | None = None, functions: bool = True) -> QuerySet[Issue]:
    """``issue_list`` for the API's list: every column of the issue and, as columns of the same row, what
    it shows of the rest (``ROW_NAMES``); no journey, stage, touchpoint or person model is built.

    Built as models (the related rows joined, the people looked up and made into ``Person`` objects),
    those 150-200 objects a page cost more than the joined columns: 8.4-8.5 -> 7.8-8.0 ms a request at
    scale 1 (one process), the count of a page with more rows after it now joining the same tables
    (their subqueries instead made the page's query 3-4 ms). With ``functions``, the functions' slugs
    too, as one column (``function_slugs_joined``): a query of its own for the page cost 1-2 ms more.
    Built once a day per process (``built_once``). The rows are dicts of those columns (``values()``), which the
    list's row loop reads by key: no issue model either.
    """
    return _issue_rows_of(today or timezone.localdate(), functions)


@built_once
def _issue_rows_of(today: dt.date, functions: bool = True) -> QuerySet[Issue]:
    rows = Issue.objects.annotate(**LIST_ROW_NAMES, is_overdue=_is_overdue(today=today))
    return (rows.annotate(function_slugs_joined=FunctionSlugs("pk")) if functions else rows).values()


class FunctionSlugs(Func):
    """An issue's functions' slugs by function name (then id), joined by commas, or NULL when it has none:
    a subquery of the row. A slug has no comma (letters, digits, hyphens, underscores), so splitting the
    column gives the slugs back (``split_slugs``). PostgreSQL orders inside ``string_agg``; SQLite before
    3.44 has no ordered aggregate, so ``group_concat`` reads an ordered subquery, which SQLite runs as a
    co-routine in its order (an aggregate's FROM subquery with ORDER BY is never flattened)."""

    arity = 1
    output_field = CharField()

    def as_sql(self, compiler, connection, **extra_context):
        issue, params = compiler.compile(self.get_source_expressions()[0])
        q = connection.ops.quote_name
        link, function = Issue.functions.through._meta, Function._meta
        slug, name, key = (q(function.get_field(field).column) for field in ("slug", "name", "id"))
        rows = (
            f"FROM {q(link.db_table)} link INNER JOIN {q(function.db_table)} fn"
            f" ON fn.{key} = link.{q(link.get_field('function').column)}"
            f" WHERE link.{q(link.get_field('issue').column)} = {issue}"
        )
        order = f"fn.{name}, fn.{key}"
        if connection.vendor == "postgresql":
            return f"(SELECT string_agg(fn.{slug}, ',' ORDER BY {order}) {rows})", params  # noqa: S608 (identifiers only)
        return f"(SELECT group_concat(slug, ',') FROM (SELECT fn.{slug} AS slug {rows} ORDER BY {order}))", params  # noqa: S608 (identifiers only)


def split_slugs(joined: str | None) -> list[str]:
    """``FunctionSlugs``' column as a list of slugs ([] for NULL)."""
    return joined.split(",") if joined else []


def _name_of(model, field: str, column: str) -> Subquery:
    """``field`` of the ``model`` row whose key is in ``column``, one indexed lookup a row. Unordered: one row
    by its key needs no order, and a model's own (``Person`` by name) made each lookup a scan and a sort."""
    return Subquery(model.objects.filter(pk=OuterRef(column)).order_by().values(field)[:1])


def _person_name(column: str) -> Subquery:
    """The name of the person in ``column``: a join of both people made the planner spend 12-30 ms on the
    six tables (EXPLAIN at scale 1), these subqueries do not add to it; unordered, 2.2 -> 1.3 ms of planning
    and execution for a page of 50 (scale 1)."""
    return _name_of(Person, "name", column)


# What an issue's row shows of its journey, stage, touchpoint and people (IssueSerializer reads these).
ROW_NAMES = {
    "journey_slug": F("journey__slug"),
    "journey_name": F("journey__name"),
    "stage_name": F("stage__name"),
    "touchpoint_key": F("touchpoint__key"),
    "reported_by_name": _person_name("reported_by_id"),
    "assignee_name": _person_name("assignee_id"),
}
# The API list's: the stage's name and the touchpoint's key looked up too, not LEFT JOINed. With the two joins the
# planner spent 0.6-0.95 ms on each page of 50 (more than executing it), without them 0.2 ms, the lookups
# executing in about the same time (EXPLAIN ANALYZE at scale 1, medians of 30). ``issue_list`` keeps the joins:
# it builds the stage and the touchpoint as models (select_related), so their names come with them.
LIST_ROW_NAMES = {
    **ROW_NAMES,
    "stage_name": _name_of(Stage, "name", "stage_id"),
    "touchpoint_key": _name_of(Touchpoint, "key", "touchpoint_id"),
}


def _issues(*, today: dt.date | None) -> QuerySet[Issue]:
    """Issues with their journey, stage and touchpoint joined, what a row shows of them (``ROW_NAMES``)
    and their overdue flag."""
    today = today or timezone.localdate()
    return Issue.objects.select_related("journey", "stage", "touchpoint").annotate(
        **ROW_NAMES, is_overdue=_is_overdue(today=today)
    )


def _is_overdue(*, today: dt.date):
    return Case(
        When(overdue_issue_condition(today=today), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def overdue_issues(*, today: dt.date | None = None) -> QuerySet[Issue]:
    """Open issues past their due date, the longest overdue first."""
    today = today or timezone.localdate()
    return issue_list(today=today).filter(overdue_issue_condition(today=today)).order_by("due_date", "id")


OVERDUE_MAIL_LIMIT = 10


def overdue_issue_mail_lines(*, journey: Journey, today: dt.date | None = None) -> list[str]:
    """The journey's overdue issues as lines of its owner's alert e-mail ([] when none is overdue)."""
    today = today or timezone.localdate()
    issues = list(overdue_issues(today=today).filter(journey=journey)[: OVERDUE_MAIL_LIMIT + 1])
    if not issues:
        return []
    lines = ["Overdue issues on this journey:"]
    for issue in issues[:OVERDUE_MAIL_LIMIT]:
        late = (today - issue.due_date).days
        assignee = issue.assignee.name if issue.assignee else "nobody assigned"
        lines.append(
            f"- {issue.title} (severity {issue.get_severity_display().lower()}, due {issue.due_date:%d %b %Y}, "
            f"{late} day{'s' if late != 1 else ''} late, {assignee})"
        )
    if len(issues) > OVERDUE_MAIL_LIMIT:
        lines.append("- and more: see the issue list filtered on overdue issues.")
    return lines


def issue_detail_queryset() -> QuerySet[Issue]:
    return issue_list().prefetch_related(
        Prefetch("initiatives", queryset=Initiative.objects.select_related("lead").order_by("status", "title"))
    )


# --- initiatives -------------------------------------------------------------------------------


def _latest_progress():
    latest = InitiativeUpdate.objects.filter(initiative=OuterRef("pk")).order_by("-created_at", "-id")
    return Subquery(latest.values("progress")[:1])


def _points_per_unit() -> Case:
    """Score points per unit of the target component, in SQL (on-time counts only with a target duration)."""
    whens = []
    for name, measure in MEASURES.items():
        with_duration = measure.points_per_unit(has_target_duration=True)
        without = measure.points_per_unit(has_target_duration=False)
        if with_duration is not None:
            whens.append(When(target_component=name, journey__target_duration__isnull=False, then=Value(with_duration)))
        if without is not None:
            whens.append(When(target_component=name, journey__target_duration__isnull=True, then=Value(without)))
    return Case(*whens, default=None, output_field=FloatField())


def _initiative_is_overdue(today: dt.date) -> Case:
    return Case(
        When(Q(due_date__lt=today) & ~Q(status__in=FINISHED_INITIATIVE_STATUSES), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def initiative_list(*, today: dt.date | None = None) -> QuerySet[Initiative]:
    """Every initiative with its lead, journey, latest progress, overdue flag and gain per person-day."""
    today = today or timezone.localdate()
    return (
        Initiative.objects.select_related("journey", "lead")
        .prefetch_related(Prefetch("functions", queryset=Function.objects.order_by("name")))
        .annotate(
            latest_progress=_latest_progress(),
            is_overdue=_initiative_is_overdue(today),
            # Null when either is missing; effort is never zero (database constraint).
            gain_per_person_day=F("expected_gain") / Cast("effort", FloatField()),
            expected_gain_points=F("expected_gain") * _points_per_unit(),
        )
        .annotate(points_per_person_day=F("expected_gain_points") / Cast("effort", FloatField()))
    )


def initiative_ranking(*, today: dt.date | None = None) -> QuerySet[Initiative]:
    """Initiatives by expected health-score points per person-day, the best value first.

    Gains in the component's own unit do not compare across components (0.2 of a 1-5 rating against
    5 percentage points of a rate); score points do. Unknown effort or gain, or an informational
    target (no score points), last.
    """
    return initiative_list(today=today).order_by(
        F("points_per_person_day").desc(nulls_last=True), F("due_date").asc(nulls_last=True), "id"
    )


def initiative_detail_queryset() -> QuerySet[Initiative]:
    return (
        initiative_list()
        .select_related("impact")
        .prefetch_related(
            Prefetch("comparison_journeys", queryset=Journey.objects.order_by("name")),
            Prefetch("issues", queryset=Issue.objects.order_by("-severity", "title")),
            Prefetch("updates", queryset=InitiativeUpdate.objects.select_related("author")),
        )
    )


def initiative_board(queryset: QuerySet[Initiative]) -> list[dict]:
    """The board's columns, one per status in workflow order, each with its cards."""
    columns = {status: [] for status in InitiativeStatus}
    for initiative in queryset:
        columns[initiative.status].append(initiative)
    return [{"status": status, "label": status.label, "cards": cards} for status, cards in columns.items()]


def initiative_updates() -> QuerySet[InitiativeUpdate]:
    return InitiativeUpdate.objects.select_related("initiative__journey", "author")


def initiatives_due_for_measurement(*, today: dt.date) -> list[int]:
    """Ids of delivered initiatives whose measurement window ended before ``today``."""
    candidates = Initiative.objects.filter(status=InitiativeStatus.DELIVERED, delivered_on__isnull=False).values_list(
        "id", "delivered_on", "measurement_days"
    )
    return [pk for pk, delivered_on, days in candidates if delivered_on + dt.timedelta(days=days) < today]


# --- the journey page panel --------------------------------------------------------------------


@dataclass
class JourneyPanel:
    journey: Journey
    open_issue_counts: list[dict]
    open_issue_total: int
    top_open_issues: list[Issue]
    initiatives_in_flight: list[Initiative]
    can_log_issue: bool
    can_manage_initiatives: bool


def journey_panel(*, journey: Journey, user) -> JourneyPanel:
    """Open issues by severity and initiatives in flight for one journey: a constant number of queries."""
    open_issues = Issue.objects.filter(journey=journey, status__in=OPEN_ISSUE_STATUSES)
    counts = dict(open_issues.order_by().values("severity").annotate(n=Count("id")).values_list("severity", "n"))
    by_severity = [
        {"severity": severity, "label": severity.label, "count": counts.get(severity.value, 0)}
        for severity in sorted(Severity, reverse=True)
    ]
    # What the panel shows of each: a link, the title, the severity or status, where, progress, overdue.
    top = list(
        open_issues.select_related("stage", "touchpoint")
        .only("id", "title", "severity", "created_at", "stage__name", "touchpoint__name")
        .order_by("-severity", "-created_at")[:5]
    )
    in_flight = list(
        Initiative.objects.filter(journey=journey, status__in=IN_FLIGHT_INITIATIVE_STATUSES)
        .annotate(latest_progress=_latest_progress(), is_overdue=_initiative_is_overdue(timezone.localdate()))
        .only("id", "journey_id", "title", "status", "due_date")
        .order_by("due_date", "id")
    )
    return JourneyPanel(
        journey=journey,
        open_issue_counts=by_severity,
        open_issue_total=sum(counts.values()),
        top_open_issues=top,
        initiatives_in_flight=in_flight,
        can_log_issue=user.has_perm("improvements.log_issue", journey),
        can_manage_initiatives=user.has_perm("improvements.manage_initiative", journey),
    )


# --- audit history -----------------------------------------------------------------------------


def _diffed_entries(model, records, label: str, subject, names, people) -> list[HistoryEntry]:
    """The entries of ``records`` (one object's, oldest first), each diffed with the one before."""
    entries = []
    previous = None
    for record in records:
        if record.history_type == "+" or previous is None:
            kind, changed = "created", []
        elif record.history_type == "-":
            kind, changed = "deleted", []
        else:
            kind, changed = "changed", changes(model, previous, record, names)
        if kind != "changed" or changed:
            who = user_label(record.history_user, people)
            entries.append(HistoryEntry(record.history_date, who, kind, label, subject(record), changed))
        previous = record
    return entries


def history_entries(obj) -> list[HistoryEntry]:
    """Who changed what and when, newest first: each historical record diffed with the previous one.

    Field labels are the model's verbose names; choices show their labels and foreign keys the
    name of what they point to, fetched in one query per related model (never one per record).
    The comments on an issue or an initiative are part of its history (posted, edited, deleted), so
    a deleted comment stays on record. The pieces are the merged feeds' (core.history).
    """
    model = type(obj)
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    comment_records = []
    if model in (Issue, Initiative):
        on_item = {"issue_id": obj.pk} if model is Issue else {"initiative_id": obj.pk}
        comment_records = list(
            Comment.history.filter(**on_item)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
    names = related_names([(model, record) for record in records] + [(Comment, record) for record in comment_records])
    people = people_names(records + comment_records)
    label, subject = str(model._meta.verbose_name).capitalize(), str(obj)
    entries = _diffed_entries(model, records, label, lambda record: subject, names, people)
    by_comment: dict[int, list] = {}
    for record in comment_records:
        by_comment.setdefault(record.id, []).append(record)
    for comment_id in by_comment:
        entries += _diffed_entries(
            Comment, by_comment[comment_id], "Comment", lambda record: Comment.__str__(record), names, people
        )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


# --- issues raised about conflicting incentives ------------------------------------------------


def conflict_issues(pairs) -> dict[tuple[int, int], Issue]:
    """(incentive id, journey id) -> the newest issue addressing that conflict (not won't fix), in one query."""
    pairs = set(pairs)
    if not pairs:
        return {}
    issues = (
        Issue.objects.filter(
            incentive_id__in={incentive_id for incentive_id, _ in pairs},
            journey_id__in={journey_id for _, journey_id in pairs},
        )
        .exclude(status=IssueStatus.WONT_FIX)
        .order_by("-created_at", "-id")
        .only("id", "title", "status", "incentive_id", "journey_id", "created_at")
    )
    found: dict[tuple[int, int], Issue] = {}
    for issue in issues:
        pair = (issue.incentive_id, issue.journey_id)
        if pair in pairs:
            found.setdefault(pair, issue)
    return found


def conflict_issue(*, incentive_id: int, journey_id: int) -> Issue | None:
    return conflict_issues({(incentive_id, journey_id)}).get((incentive_id, journey_id))


# --- comments ----------------------------------------------------------------------------------


def comment_thread(item) -> QuerySet[Comment]:
    """The comments on an issue or an initiative, oldest first, with their authors: one query."""
    on_item = {"issue": item} if isinstance(item, Issue) else {"initiative": item}
    return Comment.objects.filter(**on_item).select_related("author", "author__user").order_by("created_at", "id")


def comment_list() -> QuerySet[Comment]:
    """Every comment with what its page and the API show (the item, its journey, the author, mentions)."""
    return Comment.objects.select_related("journey", "issue", "initiative", "author", "author__user").prefetch_related(
        Prefetch("mentioned", queryset=Person.objects.order_by("name"))
    )


MENTION_SUGGESTIONS = 8


def people_to_mention(prefix: str) -> list[Person]:
    """Active people whose name (any of its words) or login name starts with ``prefix``: one query."""
    prefix = " ".join((prefix or "").split())[:100]
    if not prefix:
        return []
    return list(
        Person.objects.active()
        .filter(
            Q(name__istartswith=prefix)
            | Q(name__icontains=f" {prefix}")
            | Q(user__username__istartswith=prefix, user__is_active=True)
        )
        .select_related("user", "function")
        .order_by("name", "pk")[:MENTION_SUGGESTIONS]
    )
