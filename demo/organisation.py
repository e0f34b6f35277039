"""The demo organisation as plain data: Meridian Group, a pay-TV, retail and rail business.

Dates are day offsets from the day the demo is loaded (negative = in the past), so the story stays
current whenever it is loaded. Three anchors tie the people's story to the generated activity:
the rail refund got faster when automatic delay verification went live, billing complaints needed
less re-identification once one complaint reference was shared across channels, and onboarding
got worse when technicians' daily job target squeezed installation slots.
"""

from dataclasses import dataclass, field

from improvements.choices import InitiativeStatus, IssueCategory, IssueStatus, Severity
from journeys import map_templates
from journeys.choices import Channel, Component, JourneyStatus, ServicePosition, Tier
from owners.choices import Verdict

PASSWORD = "throughline-demo"  # noqa: S105 - the documented demo password, not a secret
EMAIL_DOMAIN = "meridian.example"

RAIL_AUTOMATION_DAY = -100
BILLING_REFERENCE_DAY = -40
ONBOARDING_SQUEEZE_DAY = -60

FIRST_TIME = "first-time subscriber"
RETURNING = "returning subscriber"


@dataclass(frozen=True)
class FunctionSpec:
    slug: str
    name: str
    description: str
    head: str | None = None  # e-mail local part of the head


@dataclass(frozen=True)
class PersonSpec:
    handle: str  # e-mail local part
    name: str
    title: str
    function: str | None
    username: str | None = None


# The journeys' maps come from the templates (journeys.map_templates), so each archetype is written once.
TouchpointSpec = map_templates.TouchpointTemplate
StageSpec = map_templates.StageTemplate


@dataclass(frozen=True)
class OwnershipSpec:
    person: str
    started: int
    ended: int | None = None
    mandate: str = ""


@dataclass(frozen=True)
class PersonaSpec:
    name: str
    segment: str
    goals: str = ""
    needs: str = ""
    pains: str = ""


@dataclass(frozen=True)
class JourneySpec:
    slug: str
    name: str
    description: str
    tier: str
    service_position: str
    stages: tuple[StageSpec, ...]
    status: str = JourneyStatus.ACTIVE
    target_duration_days: float | None = None
    target_score: int = 75
    window_days: int = 90
    min_sample: int = 30
    map_reviewed: int | None = None
    base_instances: int = 0
    ownerships: tuple[OwnershipSpec, ...] = ()
    team: tuple[tuple[str, str], ...] = ()  # (person, role)
    personas: tuple[PersonaSpec, ...] = ()


@dataclass(frozen=True)
class ReviewSpec:
    journey: str
    verdict: str
    day: int
    rationale: str


@dataclass(frozen=True)
class IncentiveSpec:
    function: str
    name: str
    measure: str
    target: str
    weight: int
    reviews: tuple[ReviewSpec, ...] = ()
    active: bool = True


@dataclass(frozen=True)
class IssueSpec:
    ref: str
    journey: str
    title: str
    symptom: str
    category: str
    severity: int
    status: str
    functions: tuple[str, ...]
    reported_by: str
    reported: int
    touchpoint: str | None = None
    stage: str | None = None
    assignee: str | None = None
    root_cause: str = ""


@dataclass(frozen=True)
class CommentSpec:
    issue: str  # IssueSpec.ref
    author: str  # PersonSpec username
    body: str  # markdown-lite; "@Full Name" mentions a colleague (the demo logins are role names)
    day: int  # days before the load day
    hour: float


@dataclass(frozen=True)
class UpdateSpec:
    day: int
    author: str
    progress: int
    body: str


@dataclass(frozen=True)
class InitiativeSpec:
    journey: str
    title: str
    hypothesis: str
    status: str
    lead: str
    functions: tuple[str, ...]
    target_component: str
    created: int
    issues: tuple[str, ...] = ()
    # Baseline and result are measured from the generated activity when ``measure_from_data``.
    baseline_value: float | None = None
    target_value: float | None = None
    result_value: float | None = None
    measure_from_data: bool = False
    segment: str = ""
    start: int | None = None
    due: int | None = None
    delivered: int | None = None
    measurement_days: int = 30
    effort: float | None = None
    expected_gain: float | None = None
    updates: tuple[UpdateSpec, ...] = field(default_factory=tuple)


FUNCTIONS = (
    FunctionSpec("customer-service", "Customer Service", "Contact centres: phone, e-mail and letters.", "grace.liu"),
    FunctionSpec("field-operations", "Field Operations", "Technicians who install and repair at home.", "marcus.reid"),
    FunctionSpec("billing", "Billing", "Bills, payments, credits and refunds.", "hannah.cole"),
    FunctionSpec("digital", "Digital", "The website, the TV app and the rail app.", "olivia.grant"),
    FunctionSpec("store-operations", "Store Operations", "Meridian Stores' shops and their colleagues.", "fatima.noor"),
    FunctionSpec("supply-chain", "Supply Chain", "Warehouses, carriers and home delivery.", "kai.jensen"),
    FunctionSpec("compliance", "Compliance", "Regulatory obligations, complaint handling rules.", "ella.sato"),
    FunctionSpec("risk", "Risk", "Fraud, credit and operational risk.", "raj.mehta"),
    FunctionSpec("technology", "Technology", "Core systems, integration and infrastructure.", "dev.patel"),
    FunctionSpec("product-design", "Product Design", "Service design and customer research.", "lucy.hart"),
    FunctionSpec(
        "rail-operations", "Rail Operations", "Meridian Rail's trains, stations and delay repay.", "owen.hughes"
    ),
)

PEOPLE = (
    PersonSpec(
        "dana.whitfield", "Dana Whitfield", "Journey Owner, Onboarding and Billing Care", "customer-service", "owner"
    ),
    PersonSpec("sam.okafor", "Sam Okafor", "Field Operations Team Lead", "field-operations", "teammate"),
    PersonSpec("priya.raman", "Priya Raman", "Chief Customer Officer", "customer-service", "manager"),
    PersonSpec("alex.morgan", "Alex Morgan", "Platform Administrator", "technology", "admin"),
    PersonSpec("morgan.ellis", "Morgan Ellis", "Internal Auditor", "compliance", "viewer"),
    PersonSpec("chris.hallam", "Chris Hallam", "Head of Sales", "customer-service"),
    PersonSpec("leah.brennan", "Leah Brennan", "Head of Omnichannel Retail", "store-operations"),
    PersonSpec("tom.achebe", "Tom Achebe", "Passenger Experience Manager", "rail-operations"),
    PersonSpec("ruth.adeyemi", "Ruth Adeyemi", "Head of Rail Customer Relations", "rail-operations"),
    PersonSpec("grace.liu", "Grace Liu", "Contact Centre Manager", "customer-service"),
    PersonSpec("zoe.adams", "Zoe Adams", "Complaints Team Leader", "customer-service"),
    PersonSpec("marcus.reid", "Marcus Reid", "Head of Field Operations", "field-operations"),
    PersonSpec("hannah.cole", "Hannah Cole", "Billing Operations Manager", "billing"),
    PersonSpec("olivia.grant", "Olivia Grant", "Head of Digital", "digital"),
    PersonSpec("ivan.petrov", "Ivan Petrov", "Digital Product Manager", "digital"),
    PersonSpec("amira.haddad", "Amira Haddad", "E-commerce Manager", "digital"),
    PersonSpec("fatima.noor", "Fatima Noor", "Head of Store Operations", "store-operations"),
    PersonSpec("ben.carter", "Ben Carter", "Store Manager, Leeds", "store-operations"),
    PersonSpec("kai.jensen", "Kai Jensen", "Supply Chain Manager", "supply-chain"),
    PersonSpec("ella.sato", "Ella Sato", "Compliance Officer", "compliance"),
    PersonSpec("raj.mehta", "Raj Mehta", "Risk Manager", "risk"),
    PersonSpec("dev.patel", "Dev Patel", "Chief Technology Officer", "technology"),
    PersonSpec("nina.kowalski", "Nina Kowalski", "Solutions Architect", "technology"),
    PersonSpec("lucy.hart", "Lucy Hart", "Head of Service Design", "product-design"),
    PersonSpec("owen.hughes", "Owen Hughes", "Station Operations Manager", "rail-operations"),
)

# Logins that are not people: the integration account feeds data and owns an API token.
INTEGRATION_USERNAME = "integration"
INTEGRATION_PERMISSIONS = ("add_journeyinstance", "change_journeyinstance", "add_interaction", "add_import")
ROLE_LOGINS = (
    ("owner", "journey owner of onboarding and billing-complaint (Dana Whitfield)"),
    ("teammate", "team member of onboarding (Sam Okafor, Field Operations)"),
    ("manager", "manager, in the Managers group (Priya Raman)"),
    ("admin", "administrator: superuser with the Django admin (Alex Morgan)"),
    ("integration", "integration account: API ingest and CSV import, token below"),
    ("viewer", "read-only login (Morgan Ellis, no seat on any journey)"),
)

T = TouchpointSpec

ONBOARDING = JourneySpec(
    slug="onboarding",
    name="New customer onboarding",
    description=(
        "From ordering Meridian TV to settling in after the first bill: about three months, six or so "
        "phone calls, a technician's home visit and many web and mail exchanges. Every call scores well, "
        "yet first-time subscribers end the journey far less happy than they started it."
    ),
    tier=Tier.LEADERSHIP,
    service_position=ServicePosition.EASE,
    target_duration_days=30,
    window_days=120,
    map_reviewed=-20,
    base_instances=3000,
    stages=map_templates.ONBOARDING.stages,
    ownerships=(
        OwnershipSpec("chris.hallam", -420, -121, "Onboarding as part of the sales funnel, up to the first bill."),
        OwnershipSpec(
            "dana.whitfield",
            -120,
            None,
            "Accountable for new-customer onboarding end to end, from order to settling in. May change the "
            "installation booking process and the welcome communications, and chairs the weekly onboarding team.",
        ),
    ),
    team=(
        ("sam.okafor", "operations lead"),
        ("grace.liu", "customer service lead"),
        ("ivan.petrov", "digital lead"),
        ("nina.kowalski", "technology lead"),
        ("lucy.hart", "service designer"),
    ),
    # The two segments of the script: their curves start together and part after installation.
    personas=(
        PersonaSpec(
            "Maya, first-time subscriber",
            FIRST_TIME,
            goals="Watch the new season from day one, without having to think about set-up.",
            needs="One confirmed installation slot; a first bill she can read; someone who already knows her order.",
            pains="Calling to check an appointment nobody confirmed; explaining her order again on every call.",
        ),
        PersonaSpec(
            "Ravi, returning subscriber",
            RETURNING,
            goals="Get his old package back in the new flat, quickly.",
            needs="A short installation lead time and his previous settings carried over.",
            pains="Being treated like a stranger although he has been a customer for years.",
        ),
    ),
)

SHOP_AND_BUY = JourneySpec(
    slug="shop-and-buy",
    name="Shop and buy across channels",
    description=(
        "Meridian Stores customers research, select, pay and take delivery: 55% entirely in store, 25% "
        "online only and 20% across channels (showrooming, click-and-collect), where they often have to "
        "identify themselves again at the hand-off."
    ),
    tier=Tier.PARITY,
    service_position=ServicePosition.EASE,
    target_duration_days=7,
    map_reviewed=-130,
    base_instances=4000,
    stages=(
        StageSpec(
            "Research",
            (
                T("browse-store", "Browse in store", Channel.STORE, ("store-operations",)),
                T("browse-web", "Browse the website", Channel.WEB, ("digital",)),
                T("browse-app", "Browse the app", Channel.APP, ("digital",)),
            ),
        ),
        StageSpec(
            "Select",
            (
                T("store-advice", "Advice from a store colleague", Channel.STORE, ("store-operations",)),
                T("product-page", "Product page and reviews", Channel.WEB, ("digital",)),
            ),
        ),
        StageSpec(
            "Pay",
            (
                T("store-till", "Pay at the till", Channel.STORE, ("store-operations",), moment_of_truth=True),
                T("web-checkout", "Web checkout", Channel.WEB, ("digital",), moment_of_truth=True),
                T("app-checkout", "App checkout", Channel.APP, ("digital",), moment_of_truth=True),
            ),
        ),
        StageSpec(
            "Fulfil",
            (
                T("carry-out", "Take it home from the store", Channel.STORE, ("store-operations",)),
                T("order-email", "Order and dispatch e-mails", Channel.EMAIL, ("digital",)),
                T(
                    "home-delivery",
                    "Home delivery by carrier",
                    Channel.OTHER,
                    ("supply-chain",),
                    description="Delivered by a third-party carrier: neither a digital nor an assisted channel.",
                ),
                T(
                    "click-and-collect",
                    "Collect an online order in store",
                    Channel.STORE,
                    ("store-operations", "supply-chain"),
                    description="Customers are often asked for their order number and ID again at the desk.",
                ),
            ),
        ),
    ),
    ownerships=(
        OwnershipSpec(
            "leah.brennan",
            -300,
            None,
            "Owns the buying journey across stores, web and app, including fulfilment and the channel hand-offs.",
        ),
    ),
    team=(
        ("ben.carter", "store lead"),
        ("amira.haddad", "online lead"),
        ("kai.jensen", "delivery lead"),
        ("lucy.hart", "service designer"),
    ),
)

RAIL_REFUND = JourneySpec(
    slug="rail-refund",
    name="Refund after a disrupted trip",
    description=(
        "A Meridian Rail passenger whose train was delayed reports it in the app and gets a refund within 24 "
        "hours. Since automatic delay verification went live, nearly every claim meets the promise."
    ),
    tier=Tier.LEADERSHIP,
    service_position=ServicePosition.SPEED,
    target_duration_days=1,
    map_reviewed=-10,
    base_instances=2500,
    stages=map_templates.RAIL_REFUND.stages,
    ownerships=(
        OwnershipSpec("ruth.adeyemi", -500, -261, "Delay repay within the customer relations budget."),
        OwnershipSpec(
            "tom.achebe",
            -260,
            None,
            "Owns delay repay end to end: the app claim, verification and payment. Holds the 24-hour promise.",
        ),
    ),
    team=(
        ("ivan.petrov", "app product manager"),
        ("owen.hughes", "operations lead"),
        ("raj.mehta", "risk adviser"),
    ),
)

BILLING_COMPLAINT = JourneySpec(
    slug="billing-complaint",
    name="Resolve a billing complaint",
    description=(
        "A Meridian TV customer disputes a bill by phone, e-mail or letter. A moment of truth: handled well, it "
        "builds loyalty; handled badly, customers chase, repeat themselves and some give up."
    ),
    tier=Tier.LEADERSHIP,
    service_position=ServicePosition.EMOTION,
    target_duration_days=14,
    map_reviewed=-45,
    base_instances=1500,
    stages=map_templates.BILLING_COMPLAINT.stages,
    ownerships=(
        OwnershipSpec(
            "dana.whitfield",
            -200,
            None,
            "Accountable for billing complaints from first contact to closure, within the regulator's rules.",
        ),
    ),
    team=(
        ("zoe.adams", "complaints lead"),
        ("hannah.cole", "billing lead"),
        ("ella.sato", "compliance adviser"),
        ("nina.kowalski", "technology lead"),
    ),
)

HOME_MOVE = JourneySpec(
    slug="home-move",
    name="Move house with Meridian TV",
    description=(
        "A subscriber moves house and takes the service along. Nobody has owned this journey since the sales "
        "reorganisation: requests fall between sales and service."
    ),
    tier=Tier.PARITY,
    service_position=ServicePosition.EASE,
    base_instances=800,
    stages=map_templates.HOME_MOVE.stages,
    ownerships=(OwnershipSpec("chris.hallam", -400, -30, "Home moves as a retention opportunity for sales."),),
)

FIBRE_UPGRADE = JourneySpec(
    slug="fibre-upgrade",
    name="Upgrade to fibre broadband",
    description="Draft map for the fibre launch next year: not yet running, so it stays out of the portfolio.",
    status=JourneyStatus.DRAFT,
    tier=Tier.LEADERSHIP,
    service_position=ServicePosition.SPEED,
    target_duration_days=14,
    stages=(
        StageSpec(
            "Check and order",
            (
                T("availability-check", "Check availability", Channel.WEB, ("digital",)),
                T("upgrade-order", "Order the upgrade", Channel.WEB, ("digital",)),
            ),
        ),
        StageSpec(
            "Switch over",
            (T("engineer-visit", "Engineer visit", Channel.FIELD, ("field-operations",), moment_of_truth=True),),
        ),
    ),
)

JOURNEYS = (ONBOARDING, SHOP_AND_BUY, RAIL_REFUND, BILLING_COMPLAINT, HOME_MOVE, FIBRE_UPGRADE)


@dataclass(frozen=True)
class LayersSpec:
    """A touchpoint's service blueprint layers (journeys/layers.py): the customer's side inwards."""

    customer_action: str = ""
    frontstage: str = ""
    backstage: str = ""
    support_processes: str = ""


L = LayersSpec

# The onboarding blueprint as Dana Whitfield's team drew it in a workshop: what goes on behind each
# touchpoint. The backstage and support rows show where the trouble starts: the technicians' daily job
# target, slots nobody confirms, a pro-rata charge the sales script never mentions.
BLUEPRINT_LAYERS = {
    "onboarding": {
        "browse-packages": L(
            "Compares packages and prices on the website, picks one and starts the order.",
            "Package pages, price table and the online order form.",
            "Digital keeps offers and prices in step with the sales team's current promotions.",
            "Product catalogue; web content system; promotions calendar.",
        ),
        "sales-call": L(
            "Calls to ask questions and places the order by phone.",
            "Sales agent on the phone.",
            "Agent runs the credit check and keys the order; the call is scored on conversion.",
            "Order management system; credit check service; sales script (no mention of pro-rata first bills).",
        ),
        "order-confirmation": L(
            "Reads the confirmation and waits to hear about installation.",
            "Order confirmation e-mail with the package and monthly price.",
            "Order is queued for installation booking overnight.",
            "Order management system; e-mail service.",
        ),
        "booking-call": L(
            "Takes the call and agrees a day for the technician to come.",
            "Booking agent on the phone, offering the slots on screen.",
            "Field planning releases slots; agents can only offer what the planner has opened.",
            "Field scheduling system; four-hour slot policy; technicians' daily job target.",
        ),
        "appointment-letter": L(
            "Receives a letter with the appointment, often after it was already changed.",
            "Printed appointment letter.",
            "Letters are printed in a nightly batch from the booking, not from the latest schedule.",
            "Print and mail supplier; field scheduling system (no link to later changes).",
        ),
        "appointment-check-call": L(
            "Calls to check that the appointment is still on.",
            "Contact-centre agent, who cannot see the technician's route for the day.",
            "Agent messages the field planner and calls the customer back.",
            "Contact-centre desktop; no text-message confirmation of slots.",
        ),
        "technician-visit": L(
            "Waits in for the technician, lets them in and watches the set-up.",
            "Technician at home, the dish, the box and the viewing card.",
            "Technician is routed to a tight day of jobs; a slipped job moves the next customer's slot.",
            "Route planning; daily job target per technician; van stock of boxes and dishes.",
        ),
        "reschedule-call": L(
            "Calls, or is called, to move an appointment that slipped.",
            "Contact-centre agent or field planner on the phone.",
            "Planner finds a new slot, often days later; the job is rebooked by hand.",
            "Field scheduling system; rebooking rules.",
        ),
        "activate-viewing-card": L(
            "Enters the viewing card number online to switch the channels on.",
            "Activation page on the website and on the TV screen.",
            "Activation request passes from the website to the conditional-access platform.",
            "Conditional-access platform; customer accounts system.",
        ),
        "activation-help-call": L(
            "Calls when the channels stay dark after activating.",
            "Technical support agent.",
            "Agent resends the activation signal and checks the box is paired with the card.",
            "Conditional-access platform; support knowledge base.",
        ),
        "welcome-pack": L(
            "Opens the welcome pack and the first bill, which is higher than expected.",
            "Welcome pack and first bill with a pro-rata charge for the first part-month.",
            "Billing runs the first bill on the next billing date after installation.",
            "Billing system; pro-rata policy; print supplier.",
        ),
        "first-bill-query": L(
            "Calls to ask why the first bill is higher than the price agreed.",
            "Billing agent who explains the pro-rata charge.",
            "Agent checks the order and the installation date; a goodwill credit needs a team leader.",
            "Billing system; goodwill credit policy.",
        ),
        "my-account-setup": L(
            "Registers for My Account to see bills and manage the package.",
            "My Account sign-up pages and the TV app.",
            "Digital links the new login to the customer account.",
            "Identity service; customer accounts system.",
        ),
        "settling-in-survey": L(
            "Answers a short survey about the first months.",
            "Settling-in survey e-mail.",
            "Product Design reads the answers monthly and shares them with the onboarding team.",
            "Survey tool; customer research panel.",
        ),
    },
}


def touchpoint_layers(journey_slug: str, touchpoint_key: str) -> dict[str, str]:
    """The blueprint layers of one demo touchpoint, as Touchpoint fields (empty when none were drawn)."""
    layers = BLUEPRINT_LAYERS.get(journey_slug, {}).get(touchpoint_key)
    if layers is None:
        return {}
    return {
        "customer_action": layers.customer_action,
        "frontstage": layers.frontstage,
        "backstage": layers.backstage,
        "support_processes": layers.support_processes,
    }


# The framework: lifecycle journeys (drafts: not measured themselves, their roll-up is what counts)
# and the demo journeys that are their parts. (slug, name, description, part slugs)
FRAMEWORK = (
    (
        "become-a-customer",
        "Become a customer",
        "From choosing a plan to the service working at home: the lifecycle stage the first journeys sit in.",
        ("shop-and-buy", "onboarding"),
    ),
    (
        "live-with-the-service",
        "Live with the service",
        "Everything after the first weeks: bills, complaints, moving home, upgrades.",
        ("billing-complaint", "home-move", "fibre-upgrade"),
    ),
)
# Drawn from the "repair" template by the template service itself (a draft, no data yet): what a
# manager gets from "Start from a template".
TEMPLATE_JOURNEY = {"template": "repair", "name": "Repair a Meridian TV fault", "slug": "tv-repair"}

R = ReviewSpec

INCENTIVES = (
    IncentiveSpec(
        "customer-service",
        "Average handle time",
        "Mean duration of answered calls",
        "under 6 minutes",
        30,
        (
            R("onboarding", Verdict.NEUTRAL, -210, "Reviewed before the onboarding team existed."),
            R(
                "onboarding",
                Verdict.CONFLICTING,
                -45,
                "Agents cut calls short to stay under six minutes; customers call back about the same need, "
                "which is exactly what onboarding's first-contact resolution counts as a failure.",
            ),
            R(
                "billing-complaint",
                Verdict.CONFLICTING,
                -45,
                "Understanding a disputed bill takes time; the target pushes agents to promise a call-back.",
            ),
        ),
    ),
    IncentiveSpec(
        "customer-service",
        "First-contact resolution",
        "Share of calls needing no follow-up within 7 days",
        "80%",
        25,
        (
            R("onboarding", Verdict.ALIGNED, -45, "Fewer repeat calls is what onboarding needs."),
            R("billing-complaint", Verdict.ALIGNED, -45, "Resolving on the first call ends the complaint."),
        ),
    ),
    IncentiveSpec(
        "customer-service",
        "Post-call satisfaction",
        "Mean post-call survey score",
        "4.5 of 5",
        20,
        (R("onboarding", Verdict.NEUTRAL, -45, "Rewards each call, not the journey; harmless but blind to it."),),
    ),
    IncentiveSpec(
        "field-operations",
        "Jobs per technician per day",
        "Completed jobs per technician per working day",
        "at least 6",
        40,
        (
            R(
                "onboarding",
                Verdict.CONFLICTING,
                -30,
                "Six jobs a day leaves no slack for first installations; slots are squeezed, moved at short "
                "notice, and jobs closed that need a second visit.",
            ),
        ),
    ),
    IncentiveSpec(
        "field-operations",
        "Right-first-time installations",
        "Installations needing no return visit within 30 days",
        "95%",
        30,
        (R("onboarding", Verdict.ALIGNED, -30, "A second visit is the biggest single cause of onboarding delay."),),
    ),
    IncentiveSpec(
        "billing",
        "Complaints closed within 8 weeks",
        "Share of billing complaints closed inside the regulatory eight weeks",
        "95%",
        30,
        (R("billing-complaint", Verdict.NEUTRAL, -60, "Necessary, but closing is not the same as resolving."),),
    ),
    IncentiveSpec(
        "billing",
        "Bill accuracy",
        "Bills issued without a later correction",
        "99.5%",
        30,
        (R("billing-complaint", Verdict.ALIGNED, -60, "Accurate bills prevent complaints in the first place."),),
    ),
    IncentiveSpec(
        "digital",
        "Digital self-service share",
        "Share of contacts handled in the web or an app",
        "70%",
        30,
        (
            R("rail-refund", Verdict.ALIGNED, -20, "The app claim is the journey."),
            R("onboarding", Verdict.NEUTRAL, -45, "Helps activation; does not reach the calls that hurt."),
        ),
    ),
    IncentiveSpec(
        "digital",
        "Online conversion rate",
        "Orders per web and app session",
        "3.5%",
        25,
        (R("shop-and-buy", Verdict.NEUTRAL, -90, "Counts online sales only; silent on the hand-offs."),),
    ),
    IncentiveSpec(
        "digital",
        "App store rating",
        "Mean rating of the Meridian apps",
        "4.5 stars",
        15,
        (R("rail-refund", Verdict.ALIGNED, -20, "Passengers rate the app after a refund."),),
    ),
    IncentiveSpec(
        "store-operations",
        "Sales per square metre",
        "Annual store sales per square metre of floor",
        "£9,000",
        40,
        (
            R(
                "shop-and-buy",
                Verdict.CONFLICTING,
                -90,
                "Click-and-collect orders are credited to online sales, so stores staff the collection desk last.",
            ),
        ),
    ),
    IncentiveSpec(
        "store-operations",
        "Mystery shop score",
        "Quarterly mystery shop audit",
        "90%",
        20,
        (R("shop-and-buy", Verdict.ALIGNED, -90, "The audit now includes collecting an online order."),),
    ),
    IncentiveSpec("supply-chain", "Cost per delivery", "Carrier cost per parcel delivered", "under £4.50", 40),
    IncentiveSpec(
        "rail-operations",
        "Delay repay cost",
        "Compensation paid per quarter",
        "under £1.2m",
        20,
        (
            R("rail-refund", Verdict.NEUTRAL, -150, "Cost has been stable."),
            R(
                "rail-refund",
                Verdict.CONFLICTING,
                -20,
                "Since automatic verification more passengers claim what they are owed; the cost target now "
                "rewards making refunds harder.",
            ),
        ),
    ),
    IncentiveSpec(
        "rail-operations",
        "Public performance measure",
        "Trains arriving within five minutes of schedule",
        "91%",
        40,
        (R("rail-refund", Verdict.NEUTRAL, -20, "Fewer delays mean fewer claims; it does not shape the refund."),),
    ),
    IncentiveSpec(
        "compliance",
        "Complaints acknowledged within 24 hours",
        "Share of complaints acknowledged in writing within a day",
        "100%",
        30,
        (R("billing-complaint", Verdict.ALIGNED, -60, "Customers know their complaint was heard."),),
    ),
    IncentiveSpec("technology", "System availability", "Core systems' monthly availability", "99.9%", 40),
    IncentiveSpec("technology", "Release frequency", "Production releases", "weekly", 10, active=False),
    IncentiveSpec("product-design", "Research sessions", "Customer research sessions per quarter", "12", 20),
    IncentiveSpec(
        "risk",
        "Fraud losses",
        "Fraudulent refunds as a share of refunds paid",
        "under 0.1%",
        40,
        (R("rail-refund", Verdict.NEUTRAL, -20, "Automatic checks keep fraud down without slowing honest claims."),),
    ),
)

ISSUES = (
    IssueSpec(
        "double-booked",
        "onboarding",
        "Technicians double-booked on Monday mornings",
        "Customers wait in all morning and nobody comes; they call to rebook.",
        IssueCategory.OPERATIONAL_CAPABILITY,
        Severity.HIGH,
        IssueStatus.INVESTIGATING,
        ("field-operations",),
        "sam.okafor",
        -25,
        touchpoint="technician-visit",
        assignee="marcus.reid",
    ),
    IssueSpec(
        "unconfirmed-slots",
        "onboarding",
        "Customers call to check appointments nobody confirmed",
        "The appointment letter arrives before the slot is confirmed, so customers ring to ask if it is still on.",
        IssueCategory.DISJOINTED_TECHNOLOGY,
        Severity.HIGH,
        IssueStatus.ROOT_CAUSE_CONFIRMED,
        ("technology", "field-operations"),
        "grace.liu",
        -70,
        touchpoint="appointment-check-call",
        assignee="nina.kowalski",
        root_cause=(
            "The order system books a provisional slot and sends the letter; field scheduling confirms or moves "
            "it two days later and nothing tells the customer."
        ),
    ),
    IssueSpec(
        "handle-time",
        "onboarding",
        "Agents rush activation calls to meet the handle-time target",
        "Customers are told to restart the box and call back if it fails; many do, twice.",
        IssueCategory.CONFLICTING_OBJECTIVES,
        Severity.CRITICAL,
        IssueStatus.ROOT_CAUSE_CONFIRMED,
        ("customer-service",),
        "grace.liu",
        -55,
        touchpoint="activation-help-call",
        assignee="dana.whitfield",
        root_cause=(
            "Average handle time under six minutes weighs 30% of an agent's scorecard; first-contact resolution "
            "is measured but not rewarded enough to stay on a call."
        ),
    ),
    IssueSpec(
        "pro-rata",
        "onboarding",
        "First bill shows a pro-rata charge nobody explained",
        "New subscribers see a bill higher than the price they were sold and call to complain.",
        IssueCategory.POLICY_PROCESS,
        Severity.HIGH,
        IssueStatus.REPORTED,
        ("billing",),
        "lucy.hart",
        -6,
        touchpoint="first-bill-query",
    ),
    IssueSpec(
        "install-promise",
        "onboarding",
        "Sales promise installation within a week",
        "Customers expect a technician in days; the first slot is usually two to three weeks away.",
        IssueCategory.CULTURE,
        Severity.MEDIUM,
        IssueStatus.WONT_FIX,
        ("customer-service",),
        "sam.okafor",
        -150,
        stage="Order",
        assignee="chris.hallam",
        root_cause="Sales scripts predate the current field capacity; superseded by booking during the sales call.",
    ),
    IssueSpec(
        "new-starters",
        "onboarding",
        "New agents cannot see the order history",
        "Customers repeat their order details to every new agent they reach.",
        IssueCategory.PEOPLE_SKILLS,
        Severity.MEDIUM,
        IssueStatus.RESOLVED,
        ("customer-service", "technology"),
        "grace.liu",
        -110,
        touchpoint="booking-call",
        assignee="grace.liu",
        root_cause="New starters were trained on the legacy CRM only and did not know the order view existed.",
    ),
    IssueSpec(
        "repeat-complaint",
        "billing-complaint",
        "Customers repeat their complaint on every call",
        "Each chasing call starts from scratch: who are you, what is the complaint, when did you first call.",
        IssueCategory.DISJOINTED_TECHNOLOGY,
        Severity.CRITICAL,
        IssueStatus.RESOLVED,
        ("customer-service", "technology"),
        "zoe.adams",
        -150,
        touchpoint="chase-call",
        assignee="nina.kowalski",
        root_cause="Phone, e-mail and letter complaints were logged in three systems with no shared reference.",
    ),
    IssueSpec(
        "two-cycles",
        "billing-complaint",
        "Agreed credits take two bill cycles to appear",
        "Customers see the disputed amount again on the next bill and complain a second time.",
        IssueCategory.POLICY_PROCESS,
        Severity.HIGH,
        IssueStatus.CLOSED,
        ("billing",),
        "hannah.cole",
        -170,
        touchpoint="credit-note",
        assignee="hannah.cole",
        root_cause="Credits were batched monthly after the bill run instead of applied when agreed.",
    ),
    IssueSpec(
        "saturday-number",
        "billing-complaint",
        "Letters give a number that is closed on Saturdays",
        "Customers who work weekdays cannot reach the complaints team.",
        IssueCategory.OTHER,
        Severity.LOW,
        IssueStatus.CLOSED,
        ("compliance",),
        "ella.sato",
        -160,
        touchpoint="acknowledgement-letter",
        assignee="ella.sato",
        root_cause="The letter template predates Saturday opening of the general line.",
    ),
    IssueSpec(
        "collect-not-found",
        "shop-and-buy",
        "Click-and-collect orders not found at the desk",
        "Customers wait while staff search the stock room, then are asked for ID and the order number again.",
        IssueCategory.DISJOINTED_TECHNOLOGY,
        Severity.HIGH,
        IssueStatus.INVESTIGATING,
        ("store-operations", "technology"),
        "ben.carter",
        -35,
        touchpoint="click-and-collect",
        assignee="amira.haddad",
    ),
    IssueSpec(
        "discourage-collect",
        "shop-and-buy",
        "Store staff steer customers away from click-and-collect",
        "Customers are told to buy in store instead of collecting the order they placed online.",
        IssueCategory.CONFLICTING_OBJECTIVES,
        Severity.MEDIUM,
        IssueStatus.REPORTED,
        ("store-operations",),
        "amira.haddad",
        -12,
        touchpoint="click-and-collect",
    ),
    IssueSpec(
        "loyalty-points",
        "shop-and-buy",
        "Loyalty points missing when research started in the app",
        "App users who buy in store do not see the purchase in their account.",
        IssueCategory.OPERATIONAL_CAPABILITY,
        Severity.LOW,
        IssueStatus.WONT_FIX,
        ("digital",),
        "amira.haddad",
        -95,
        touchpoint="store-till",
        assignee="olivia.grant",
        root_cause="The till only links a loyalty card, not the app; the new till platform next year fixes it.",
    ),
    IssueSpec(
        "weekend-backlog",
        "rail-refund",
        "Manual delay verification backlog at weekends",
        "Claims made on Saturday wait until Tuesday; passengers call to ask where their refund is.",
        IssueCategory.OPERATIONAL_CAPABILITY,
        Severity.HIGH,
        IssueStatus.RESOLVED,
        ("rail-operations",),
        "owen.hughes",
        -160,
        stage="Assess",
        assignee="tom.achebe",
        root_cause="Every claim was checked by hand against the train log; nobody worked weekends.",
    ),
    IssueSpec(
        "ticket-photo",
        "rail-refund",
        "Ticket photo asked for again after the app update",
        "Passengers who had uploaded a ticket were asked to upload it again.",
        IssueCategory.DISJOINTED_TECHNOLOGY,
        Severity.MEDIUM,
        IssueStatus.CLOSED,
        ("digital",),
        "ivan.petrov",
        -140,
        touchpoint="upload-ticket",
        assignee="ivan.petrov",
        root_cause="The update cleared the app's local claim drafts.",
    ),
    IssueSpec(
        "between-teams",
        "home-move",
        "Home-move requests fall between sales and service",
        "Customers who tell us they are moving are called by sales, then by service, and asked the same again.",
        IssueCategory.CULTURE,
        Severity.HIGH,
        IssueStatus.REPORTED,
        ("customer-service", "field-operations"),
        "grace.liu",
        -9,
        touchpoint="move-booking-call",
    ),
)

U = UpdateSpec

# A short thread on the double-booking issue: the team member calls the owner in with @, the owner answers.
COMMENTS = (
    CommentSpec(
        "double-booked",
        "sam.okafor",
        "@Dana Whitfield the Monday rota still books **two visits** into one technician slot; three customers "
        "rebooked last week. Can we raise it at the onboarding team on Thursday?",
        -3,
        9.5,
    ),
    CommentSpec(
        "double-booked",
        "dana.whitfield",
        "Yes, on the agenda. Marcus is checking whether the job target counts a rebooked visit twice.",
        -2,
        15,
    ),
)

INITIATIVES = (
    InitiativeSpec(
        "onboarding",
        "Book the installation slot during the sales call",
        "If the technician slot is booked and confirmed while the customer is on the sales call, satisfaction "
        "decay for first-time subscribers halves, to 0.2, because nobody has to chase a slot.",
        InitiativeStatus.IN_PROGRESS,
        "dana.whitfield",
        ("field-operations", "technology", "customer-service"),
        Component.SATISFACTION_DECAY,
        -60,
        issues=("unconfirmed-slots", "install-promise"),
        measure_from_data=True,
        segment=FIRST_TIME,
        target_value=0.2,
        start=-50,
        due=30,
        effort=60,
        expected_gain=-0.2,
        updates=(
            U(-48, "dana.whitfield", 10, "Kick-off with Field Operations and Technology; scope agreed."),
            U(-30, "nina.kowalski", 35, "Scheduling API exposed to the sales desktop in test."),
            U(-8, "sam.okafor", 55, "Pilot in the Leeds patch: 40 bookings made during the sales call."),
        ),
    ),
    InitiativeSpec(
        "onboarding",
        "Reward first-contact resolution instead of handle time",
        "If agents' scorecards weigh first-contact resolution over handle time, the repeat rate falls by a third.",
        InitiativeStatus.APPROVED,
        "grace.liu",
        ("customer-service",),
        Component.REPEAT_RATE,
        -20,
        issues=("handle-time",),
        measure_from_data=True,
        target_value=0.08,
        start=7,
        due=90,
        effort=15,
        expected_gain=-0.04,
        updates=(U(-10, "priya.raman", 0, "Approved by the customer board; starts with the next scorecard cycle."),),
    ),
    InitiativeSpec(
        "onboarding",
        "Explain the pro-rata charge before the first bill",
        "If a short e-mail explains the first bill before it arrives, fewer first bill queries are needed.",
        InitiativeStatus.PROPOSED,
        "hannah.cole",
        ("billing", "digital"),
        Component.JOURNEY_CSAT,
        -5,
        issues=("pro-rata",),
        effort=5,
        expected_gain=0.2,
    ),
    InitiativeSpec(
        "onboarding",
        "Redesign the paper welcome pack",
        "A clearer welcome pack reduces activation calls.",
        InitiativeStatus.CANCELLED,
        "lucy.hart",
        ("product-design",),
        Component.CONTACTS_PER_INSTANCE,
        -140,
        effort=25,
        expected_gain=-0.3,
        updates=(
            U(-100, "lucy.hart", 20, "Research shows customers rarely open the pack before the technician visit."),
            U(-90, "dana.whitfield", 20, "Cancelled: the calls come from unconfirmed slots, not from the pack."),
        ),
    ),
    InitiativeSpec(
        "billing-complaint",
        "One complaint reference across phone, e-mail and letter",
        "If every channel logs the complaint under one reference, customers stop re-identifying themselves on "
        "each chase and the re-identification rate halves.",
        InitiativeStatus.DELIVERED,
        "zoe.adams",
        ("customer-service", "technology", "compliance"),
        Component.REIDENTIFICATION_RATE,
        -130,
        issues=("repeat-complaint",),
        measure_from_data=True,
        target_value=0.1,
        start=-120,
        due=-45,
        delivered=BILLING_REFERENCE_DAY,
        measurement_days=30,
        effort=45,
        expected_gain=-0.1,
        updates=(
            U(-118, "zoe.adams", 10, "Complaint reference format agreed with Compliance."),
            U(-90, "nina.kowalski", 40, "Phone and e-mail systems share the reference."),
            U(-60, "nina.kowalski", 75, "Letters scanned into the same case."),
            U(BILLING_REFERENCE_DAY, "zoe.adams", 100, "Live in every channel. Measuring for 30 days."),
        ),
    ),
    InitiativeSpec(
        "rail-refund",
        "Automatic delay verification for app claims",
        "If delays are verified automatically against the train log, refunds are paid within 24 hours for 9 in "
        "10 claims instead of 6 in 10.",
        InitiativeStatus.MEASURED,
        "tom.achebe",
        ("rail-operations", "digital", "risk"),
        Component.ON_TIME_RATE,
        -200,
        issues=("weekend-backlog",),
        measure_from_data=True,
        target_value=0.9,
        start=-150,
        due=-95,
        delivered=RAIL_AUTOMATION_DAY,
        measurement_days=30,
        effort=80,
        expected_gain=0.3,
        updates=(
            U(-148, "tom.achebe", 10, "Train log feed agreed with Operations."),
            U(-125, "ivan.petrov", 50, "Verification engine matching 80% of claims in shadow mode."),
            U(RAIL_AUTOMATION_DAY, "tom.achebe", 100, "Live for all app claims."),
            U(RAIL_AUTOMATION_DAY + 32, "tom.achebe", 100, "Measured: on-time refunds well above target."),
        ),
    ),
    InitiativeSpec(
        "shop-and-buy",
        "Find click-and-collect orders by e-mail or phone number",
        "If the desk can find an order by the customer's e-mail or phone, collecting stops needing ID and "
        "the order number again.",
        InitiativeStatus.IN_PROGRESS,
        "amira.haddad",
        ("store-operations", "digital", "technology"),
        Component.REIDENTIFICATION_RATE,
        -40,
        issues=("collect-not-found",),
        measure_from_data=True,
        target_value=0.02,
        start=-30,
        due=45,
        effort=30,
        expected_gain=-0.03,
        updates=(U(-15, "ben.carter", 30, "Desk lookup by e-mail working in the Leeds store."),),
    ),
    # Measured, and the data shows no effect either way: the demo's inconclusive verdict.
    InitiativeSpec(
        "onboarding",
        "Text a reminder the day before the technician visit",
        "If customers get a text the day before the visit, fewer of them miss it and journey satisfaction rises.",
        InitiativeStatus.MEASURED,
        "dana.whitfield",
        ("field-operations", "digital"),
        Component.JOURNEY_CSAT,
        -150,
        issues=("unconfirmed-slots",),
        start=-130,
        due=-110,
        delivered=-110,
        measurement_days=30,
        effort=8,
        expected_gain=0.25,
        updates=(
            U(-110, "dana.whitfield", 100, "Reminders sent for every booked visit."),
            U(-78, "dana.whitfield", 100, "Measured: no clear change in journey satisfaction."),
        ),
    ),
    # Approved for one small segment with a modest expected gain: the demo's underpowered initiative.
    InitiativeSpec(
        "shop-and-buy",
        "Greet loyalty members by name at the collection desk",
        "If the desk greets loyalty members by name, their journey satisfaction rises a little.",
        InitiativeStatus.APPROVED,
        "amira.haddad",
        ("store-operations",),
        Component.JOURNEY_CSAT,
        -6,
        issues=("collect-not-found",),
        segment="loyalty member",
        start=5,
        due=40,
        measurement_days=14,
        effort=3,
        expected_gain=0.1,
    ),
)
