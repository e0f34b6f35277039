"""Journey map templates: the archetypes a new journey can start from (issue 20.4).

A template is a map without data: stages in order, touchpoints with their key, channel, moment-of-truth
flag and description, and the functions (by slug) that usually deliver each touchpoint. The demo's
journeys are drawn from these same definitions (``demo.organisation``), so the archetypes are written once.

Templates live in code, not in the database: they are product knowledge that ships and is reviewed
with the release, like the health components; an organisation adapts its copy, not the template.
"""

from dataclasses import dataclass

from .choices import Channel, ServicePosition, Tier


@dataclass(frozen=True)
class TouchpointTemplate:
    key: str
    name: str
    channel: str
    functions: tuple[str, ...]  # slugs of the functions that usually deliver it
    moment_of_truth: bool = False
    description: str = ""


@dataclass(frozen=True)
class StageTemplate:
    name: str
    touchpoints: tuple[TouchpointTemplate, ...]


@dataclass(frozen=True)
class MapTemplate:
    key: str
    name: str
    description: str
    tier: str
    service_position: str
    stages: tuple[StageTemplate, ...]
    target_duration_days: float | None = None

    @property
    def touchpoints(self) -> list[TouchpointTemplate]:
        return [touchpoint for stage in self.stages for touchpoint in stage.touchpoints]

    @property
    def function_slugs(self) -> list[str]:
        """The functions the template names, in order of first appearance."""
        return list(dict.fromkeys(slug for touchpoint in self.touchpoints for slug in touchpoint.functions))


# The functions templates name, by slug: a new journey's responsibilities link the functions of the
# organisation with the same slug (or, failing that, the same name); the others are left for the owner.
FUNCTION_NAMES = {
    "customer-service": "Customer Service",
    "field-operations": "Field Operations",
    "billing": "Billing",
    "digital": "Digital",
    "technology": "Technology",
    "compliance": "Compliance",
    "product-design": "Product Design",
    "rail-operations": "Rail Operations",
    "supply-chain": "Supply Chain",
    "store-operations": "Store Operations",
}

T = TouchpointTemplate
S = StageTemplate

ONBOARDING = MapTemplate(
    key="onboarding",
    name="Customer onboarding",
    description=(
        "From the order to settling in after the first bill: booking, a home visit, activation and the first "
        "bill, where new customers most often lose faith."
    ),
    tier=Tier.LEADERSHIP,
    service_position=ServicePosition.EASE,
    target_duration_days=30,
    stages=(
        S(
            "Order",
            (
                T("browse-packages", "Browse packages online", Channel.WEB, ("digital",)),
                T("sales-call", "Sales call", Channel.PHONE, ("customer-service",)),
                T("order-confirmation", "Order confirmation e-mail", Channel.EMAIL, ("digital",)),
            ),
        ),
        S(
            "Installation booking",
            (
                T("booking-call", "Installation booking call", Channel.PHONE, ("customer-service", "field-operations")),
                T("appointment-letter", "Appointment letter", Channel.MAIL, ("field-operations",)),
                T(
                    "appointment-check-call",
                    "Is my appointment still on? call",
                    Channel.PHONE,
                    ("customer-service",),
                    description="Customers call to check a slot nobody confirmed to them.",
                ),
            ),
        ),
        S(
            "Installation",
            (
                T(
                    "technician-visit",
                    "Technician home visit",
                    Channel.FIELD,
                    ("field-operations",),
                    moment_of_truth=True,
                    description="The first time the customer meets Meridian in person, in their own home.",
                ),
                T("reschedule-call", "Rescheduling call", Channel.PHONE, ("customer-service", "field-operations")),
            ),
        ),
        S(
            "Activation",
            (
                T("activate-viewing-card", "Activate the viewing card online", Channel.WEB, ("digital", "technology")),
                T("activation-help-call", "Activation help call", Channel.PHONE, ("customer-service",)),
            ),
        ),
        S(
            "First bill",
            (
                T("welcome-pack", "Welcome pack and first bill", Channel.MAIL, ("billing",)),
                T(
                    "first-bill-query",
                    "First bill query call",
                    Channel.PHONE,
                    ("billing", "customer-service"),
                    moment_of_truth=True,
                    description="The first bill includes a pro-rata charge nobody explained.",
                ),
            ),
        ),
        S(
            "Settling in",
            (
                T("my-account-setup", "Set up My Account", Channel.WEB, ("digital",)),
                T("settling-in-survey", "Settling-in survey", Channel.EMAIL, ("product-design",)),
            ),
        ),
    ),
)


BILLING_COMPLAINT = MapTemplate(
    key="complaint",
    name="Resolve a complaint",
    description=(
        "A customer disputes a bill by phone, e-mail or letter; it is investigated, resolved with a credit "
        "where due and closed in writing, within the regulator's rules."
    ),
    tier=Tier.LEADERSHIP,
    service_position=ServicePosition.EMOTION,
    target_duration_days=14,
    stages=(
        S(
            "Raise",
            (
                T("complaint-call", "Complaint call", Channel.PHONE, ("customer-service",), moment_of_truth=True),
                T("complaint-email", "Complaint e-mail", Channel.EMAIL, ("customer-service",)),
                T("complaint-letter", "Complaint letter", Channel.MAIL, ("customer-service",)),
            ),
        ),
        S(
            "Investigate",
            (
                T("acknowledgement-letter", "Acknowledgement letter", Channel.MAIL, ("compliance",)),
                T("chase-call", "Chasing call", Channel.PHONE, ("customer-service",)),
                T("chase-email", "Chasing e-mail", Channel.EMAIL, ("customer-service",)),
            ),
        ),
        S(
            "Resolve",
            (
                T(
                    "resolution-call",
                    "Resolution call",
                    Channel.PHONE,
                    ("customer-service", "billing"),
                    moment_of_truth=True,
                ),
                T("credit-note", "Credit note", Channel.MAIL, ("billing",)),
            ),
        ),
        S("Close", (T("closure-letter", "Closure letter", Channel.MAIL, ("compliance",)),)),
    ),
)


RAIL_REFUND = MapTemplate(
    key="refund",
    name="Refund a disrupted service",
    description=(
        "The customer reports what went wrong in the app, the claim is assessed and the refund paid, against "
        "a promise measured in hours."
    ),
    tier=Tier.LEADERSHIP,
    service_position=ServicePosition.SPEED,
    target_duration_days=1,
    stages=(
        S(
            "Report",
            (
                T(
                    "report-delay",
                    "Report the delay in the app",
                    Channel.APP,
                    ("digital",),
                    moment_of_truth=True,
                    description="Coming to the passenger's aid when the trip went wrong.",
                ),
                T("upload-ticket", "Upload the ticket", Channel.APP, ("digital",)),
            ),
        ),
        S(
            "Assess",
            (
                T("claim-acknowledged", "Claim acknowledged by e-mail", Channel.EMAIL, ("digital",)),
                T("claim-status-check", "Check the claim status", Channel.APP, ("digital",)),
                T("refund-help-call", "Refund help call", Channel.PHONE, ("customer-service",)),
            ),
        ),
        S(
            "Refund",
            (T("refund-paid", "Refund paid notification", Channel.APP, ("rail-operations",)),),
        ),
    ),
)


HOME_MOVE = MapTemplate(
    key="home-move",
    name="Move house",
    description=(
        "A customer moves house and takes the service along: tell us, schedule, the visit at the new home and"
        " the first bill there."
    ),
    tier=Tier.PARITY,
    service_position=ServicePosition.EASE,
    target_duration_days=None,
    stages=(
        S(
            "Tell us",
            (
                T("moving-form", "Moving form online", Channel.WEB, ("digital",)),
                T("moving-call", "Moving call", Channel.PHONE, ("customer-service",)),
            ),
        ),
        S(
            "Schedule",
            (T("move-booking-call", "Move booking call", Channel.PHONE, ("customer-service", "field-operations")),),
        ),
        S(
            "Move day",
            (
                T(
                    "move-technician-visit",
                    "Technician visit at the new home",
                    Channel.FIELD,
                    ("field-operations",),
                    moment_of_truth=True,
                ),
            ),
        ),
        S(
            "After the move",
            (
                T("new-address-bill", "First bill at the new address", Channel.MAIL, ("billing",)),
                T("new-address-bill-call", "Bill query call", Channel.PHONE, ("billing", "customer-service")),
            ),
        ),
    ),
)


REPAIR = MapTemplate(
    key="repair",
    name="Repair at home",
    description=(
        "Something stops working: the customer reports the fault, tries the guided fix, books a technician, "
        "has it repaired at home and is asked whether it stayed fixed."
    ),
    tier=Tier.PARITY,
    service_position=ServicePosition.SPEED,
    target_duration_days=5,
    stages=(
        S(
            "Report the fault",
            (
                T("fault-report-web", "Report a fault online", Channel.WEB, ("digital",)),
                T("fault-call", "Fault call", Channel.PHONE, ("customer-service",), moment_of_truth=True),
            ),
        ),
        S(
            "Diagnose",
            (
                T(
                    "guided-fix",
                    "Guided fix in the app",
                    Channel.APP,
                    ("digital", "technology"),
                    description="A step-by-step check that solves many faults without a visit.",
                ),
                T("remote-check", "Remote line check", Channel.OTHER, ("technology",)),
            ),
        ),
        S(
            "Book the repair",
            (
                T(
                    "repair-booking-call",
                    "Repair booking call",
                    Channel.PHONE,
                    ("customer-service", "field-operations"),
                ),
                T("repair-appointment-email", "Appointment confirmation e-mail", Channel.EMAIL, ("field-operations",)),
            ),
        ),
        S(
            "Repair",
            (
                T(
                    "repair-visit",
                    "Technician repair visit",
                    Channel.FIELD,
                    ("field-operations",),
                    moment_of_truth=True,
                    description="Fixed on the first visit, or not: the moment the customer judges the service by.",
                ),
            ),
        ),
        S(
            "Follow up",
            (
                T("repair-survey", "Did it stay fixed? survey", Channel.EMAIL, ("product-design",)),
                T("repeat-fault-call", "Repeat fault call", Channel.PHONE, ("customer-service",)),
            ),
        ),
    ),
)

TEMPLATES: dict[str, MapTemplate] = {
    template.key: template for template in (ONBOARDING, BILLING_COMPLAINT, RAIL_REFUND, HOME_MOVE, REPAIR)
}


def template_get(key: str) -> MapTemplate | None:
    return TEMPLATES.get(key)
