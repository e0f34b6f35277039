"""The shape of the reference organisation: journey archetypes, product lines, functions, segments.

Fifty journeys come from ten archetypes crossed with five product lines. Each archetype lists six
stages with three candidate touchpoints each (name, default channel, delivering function); a
journey keeps 4-6 of the stages and 8-15 of the touchpoints, so maps differ from one another the
way real ones do.
"""

PRODUCT_LINES = ["Broadband", "Mobile", "TV", "Energy", "Home insurance"]

# (archetype, target duration in days, [(stage, [(touchpoint, channel, function slug), ...]), ...])
ARCHETYPES = [
    (
        "onboarding",
        30,
        [
            (
                "Discover",
                [
                    ("Product pages", "web", "digital"),
                    ("Store advice", "store", "stores"),
                    ("Comparison ad", "social", "digital"),
                ],
            ),
            (
                "Sign up",
                [
                    ("Online order", "web", "digital"),
                    ("Sales call", "phone", "sales"),
                    ("Credit check", "other", "risk"),
                ],
            ),
            (
                "Set up",
                [
                    ("Appointment booking", "phone", "customer-service"),
                    ("Technician visit", "field", "field-operations"),
                    ("Equipment delivery", "mail", "logistics"),
                ],
            ),
            (
                "Activate",
                [
                    ("Activation in the app", "app", "digital"),
                    ("Welcome e-mail", "email", "digital"),
                    ("Activation help chat", "chat", "customer-service"),
                ],
            ),
            (
                "First use",
                [
                    ("Getting started guide", "web", "product-design"),
                    ("First-week check call", "phone", "customer-service"),
                    ("Usage tips", "email", "digital"),
                ],
            ),
            (
                "First bill",
                [
                    ("First bill", "mail", "billing"),
                    ("Bill explained in the app", "app", "billing"),
                    ("Billing query", "phone", "billing"),
                ],
            ),
        ],
    ),
    (
        "billing-complaint",
        14,
        [
            (
                "Notice",
                [
                    ("Bill received", "email", "billing"),
                    ("Bill viewed in the app", "app", "digital"),
                    ("Direct debit taken", "other", "billing"),
                ],
            ),
            (
                "Contact",
                [
                    ("Complaint call", "phone", "customer-service"),
                    ("Complaint chat", "chat", "customer-service"),
                    ("Complaint form", "web", "digital"),
                ],
            ),
            (
                "Investigate",
                [
                    ("Case acknowledgement", "email", "customer-service"),
                    ("Account review", "other", "billing"),
                    ("Callback", "phone", "billing"),
                ],
            ),
            (
                "Decide",
                [
                    ("Adjustment decision", "other", "billing"),
                    ("Decision letter", "mail", "compliance"),
                    ("Decision call", "phone", "customer-service"),
                ],
            ),
            (
                "Resolve",
                [
                    ("Credit applied", "other", "billing"),
                    ("Confirmation e-mail", "email", "billing"),
                    ("Corrected bill", "mail", "billing"),
                ],
            ),
            (
                "Follow up",
                [
                    ("Satisfaction survey", "email", "customer-service"),
                    ("Goodwill offer", "phone", "sales"),
                    ("Escalation to ombudsman", "mail", "compliance"),
                ],
            ),
        ],
    ),
    (
        "home-move",
        21,
        [
            (
                "Tell us",
                [
                    ("Move form", "web", "digital"),
                    ("Move call", "phone", "customer-service"),
                    ("Move in the app", "app", "digital"),
                ],
            ),
            (
                "Plan",
                [
                    ("Address check", "web", "technology"),
                    ("Move date booking", "phone", "customer-service"),
                    ("Plan confirmation", "email", "digital"),
                ],
            ),
            (
                "Disconnect",
                [
                    ("Old address cut-off", "other", "field-operations"),
                    ("Equipment return", "mail", "logistics"),
                    ("Final reading", "app", "billing"),
                ],
            ),
            (
                "Connect",
                [
                    ("New address install", "field", "field-operations"),
                    ("Self install kit", "mail", "logistics"),
                    ("Connection check", "app", "technology"),
                ],
            ),
            (
                "Settle in",
                [
                    ("Service check call", "phone", "customer-service"),
                    ("Move survey", "email", "customer-service"),
                    ("Store visit", "store", "stores"),
                ],
            ),
            (
                "Bill",
                [
                    ("Split bill", "mail", "billing"),
                    ("Bill query chat", "chat", "billing"),
                    ("Refund of old account", "other", "billing"),
                ],
            ),
        ],
    ),
    (
        "upgrade",
        10,
        [
            (
                "Consider",
                [
                    ("Upgrade offer e-mail", "email", "sales"),
                    ("Upgrade page", "web", "digital"),
                    ("Store demo", "store", "stores"),
                ],
            ),
            (
                "Choose",
                [
                    ("Plan comparison", "web", "product-design"),
                    ("Sales chat", "chat", "sales"),
                    ("Sales call", "phone", "sales"),
                ],
            ),
            (
                "Order",
                [
                    ("Upgrade order", "app", "digital"),
                    ("Eligibility check", "other", "risk"),
                    ("Order confirmation", "email", "digital"),
                ],
            ),
            (
                "Deliver",
                [
                    ("Device delivery", "mail", "logistics"),
                    ("Collect in store", "store", "stores"),
                    ("Delivery tracking", "app", "logistics"),
                ],
            ),
            (
                "Switch over",
                [
                    ("Data transfer", "app", "technology"),
                    ("Switch-over help call", "phone", "customer-service"),
                    ("Engineer visit", "field", "field-operations"),
                ],
            ),
            (
                "Confirm",
                [
                    ("New contract", "email", "compliance"),
                    ("First upgraded bill", "mail", "billing"),
                    ("Welcome call", "phone", "customer-service"),
                ],
            ),
        ],
    ),
    (
        "repair",
        7,
        [
            (
                "Report",
                [
                    ("Fault report in the app", "app", "digital"),
                    ("Fault call", "phone", "customer-service"),
                    ("Status page", "web", "technology"),
                ],
            ),
            (
                "Diagnose",
                [
                    ("Remote test", "other", "technology"),
                    ("Troubleshooting chat", "chat", "customer-service"),
                    ("Diagnosis call", "phone", "technology"),
                ],
            ),
            (
                "Schedule",
                [
                    ("Repair booking", "web", "field-operations"),
                    ("Booking call", "phone", "customer-service"),
                    ("Booking reminder", "email", "field-operations"),
                ],
            ),
            (
                "Fix",
                [
                    ("Engineer visit", "field", "field-operations"),
                    ("Replacement part", "mail", "logistics"),
                    ("Remote fix", "other", "technology"),
                ],
            ),
            (
                "Verify",
                [
                    ("Fix check in the app", "app", "technology"),
                    ("Follow-up call", "phone", "customer-service"),
                    ("Repeat visit", "field", "field-operations"),
                ],
            ),
            (
                "Compensate",
                [
                    ("Outage credit", "other", "billing"),
                    ("Credit letter", "mail", "billing"),
                    ("Compensation claim", "web", "compliance"),
                ],
            ),
        ],
    ),
    (
        "cancellation",
        30,
        [
            (
                "Decide to leave",
                [
                    ("Cancellation page", "web", "digital"),
                    ("Cancellation call", "phone", "customer-service"),
                    ("Store visit", "store", "stores"),
                ],
            ),
            (
                "Retention",
                [
                    ("Retention offer call", "phone", "sales"),
                    ("Retention e-mail", "email", "sales"),
                    ("Retention chat", "chat", "sales"),
                ],
            ),
            (
                "Confirm",
                [
                    ("Notice letter", "mail", "compliance"),
                    ("Cancellation e-mail", "email", "customer-service"),
                    ("Identity check", "phone", "risk"),
                ],
            ),
            (
                "Return",
                [
                    ("Equipment return label", "email", "logistics"),
                    ("Return at store", "store", "stores"),
                    ("Courier pick-up", "field", "logistics"),
                ],
            ),
            (
                "Final bill",
                [
                    ("Final bill", "mail", "billing"),
                    ("Final bill query", "phone", "billing"),
                    ("Refund", "other", "billing"),
                ],
            ),
            (
                "Win back",
                [
                    ("Win-back offer", "email", "sales"),
                    ("Win-back call", "phone", "sales"),
                    ("Exit survey", "web", "customer-service"),
                ],
            ),
        ],
    ),
    (
        "payment-difficulty",
        45,
        [
            (
                "Miss a payment",
                [
                    ("Missed payment e-mail", "email", "billing"),
                    ("Missed payment letter", "mail", "billing"),
                    ("Payment failed in the app", "app", "billing"),
                ],
            ),
            (
                "Ask for help",
                [
                    ("Hardship call", "phone", "customer-service"),
                    ("Help page", "web", "digital"),
                    ("Hardship chat", "chat", "customer-service"),
                ],
            ),
            (
                "Assess",
                [
                    ("Affordability check", "other", "risk"),
                    ("Income and expenses form", "web", "risk"),
                    ("Assessment call", "phone", "risk"),
                ],
            ),
            (
                "Agree a plan",
                [
                    ("Payment plan offer", "email", "billing"),
                    ("Plan agreed on the phone", "phone", "billing"),
                    ("Plan letter", "mail", "compliance"),
                ],
            ),
            (
                "Keep to the plan",
                [
                    ("Plan reminder", "email", "billing"),
                    ("Plan check-in call", "phone", "customer-service"),
                    ("Plan tracker", "app", "digital"),
                ],
            ),
            (
                "Back on track",
                [
                    ("Plan completed letter", "mail", "billing"),
                    ("Normal billing resumed", "other", "billing"),
                    ("Support survey", "email", "customer-service"),
                ],
            ),
        ],
    ),
    (
        "device-replacement",
        10,
        [
            (
                "Report",
                [
                    ("Claim form", "web", "digital"),
                    ("Claim call", "phone", "customer-service"),
                    ("Store drop-in", "store", "stores"),
                ],
            ),
            (
                "Verify",
                [
                    ("Identity check", "phone", "risk"),
                    ("Proof of purchase upload", "app", "digital"),
                    ("Fraud check", "other", "risk"),
                ],
            ),
            (
                "Approve",
                [
                    ("Claim decision", "email", "compliance"),
                    ("Excess payment", "web", "billing"),
                    ("Decision call", "phone", "customer-service"),
                ],
            ),
            (
                "Replace",
                [
                    ("Device dispatch", "mail", "logistics"),
                    ("Store collection", "store", "stores"),
                    ("Courier delivery", "field", "logistics"),
                ],
            ),
            (
                "Restore",
                [
                    ("Backup restore", "app", "technology"),
                    ("Set-up help chat", "chat", "customer-service"),
                    ("Set-up appointment", "store", "stores"),
                ],
            ),
            (
                "Close",
                [
                    ("Old device return", "mail", "logistics"),
                    ("Claim closed e-mail", "email", "customer-service"),
                    ("Claim survey", "web", "customer-service"),
                ],
            ),
        ],
    ),
    (
        "account-change",
        7,
        [
            (
                "Request",
                [
                    ("Account change form", "web", "digital"),
                    ("Account change call", "phone", "customer-service"),
                    ("Change in the app", "app", "digital"),
                ],
            ),
            (
                "Identify",
                [
                    ("Security questions", "phone", "risk"),
                    ("One-time code", "app", "technology"),
                    ("Document upload", "web", "risk"),
                ],
            ),
            (
                "Process",
                [
                    ("Back-office change", "other", "billing"),
                    ("Change confirmation", "email", "customer-service"),
                    ("Change letter", "mail", "compliance"),
                ],
            ),
            (
                "Check",
                [
                    ("Account summary", "app", "digital"),
                    ("Check call", "phone", "customer-service"),
                    ("Store check", "store", "stores"),
                ],
            ),
            (
                "Bill",
                [
                    ("Next bill", "mail", "billing"),
                    ("Bill query chat", "chat", "billing"),
                    ("Bill e-mail", "email", "billing"),
                ],
            ),
            (
                "Review",
                [
                    ("Change survey", "email", "customer-service"),
                    ("Loyalty offer", "phone", "sales"),
                    ("Account review", "web", "product-design"),
                ],
            ),
        ],
    ),
    (
        "complaint-escalation",
        56,
        [
            (
                "Escalate",
                [
                    ("Escalation call", "phone", "customer-service"),
                    ("Escalation e-mail", "email", "customer-service"),
                    ("Social post", "social", "digital"),
                ],
            ),
            (
                "Acknowledge",
                [
                    ("Acknowledgement letter", "mail", "compliance"),
                    ("Case manager call", "phone", "customer-service"),
                    ("Case portal", "web", "digital"),
                ],
            ),
            (
                "Investigate",
                [
                    ("Evidence request", "email", "compliance"),
                    ("Site visit", "field", "field-operations"),
                    ("Records review", "other", "compliance"),
                ],
            ),
            (
                "Respond",
                [
                    ("Final response letter", "mail", "compliance"),
                    ("Response call", "phone", "customer-service"),
                    ("Response e-mail", "email", "compliance"),
                ],
            ),
            (
                "Put right",
                [
                    ("Redress payment", "other", "billing"),
                    ("Repair visit", "field", "field-operations"),
                    ("Apology letter", "mail", "compliance"),
                ],
            ),
            (
                "Learn",
                [
                    ("Root cause review", "other", "product-design"),
                    ("Closure survey", "email", "customer-service"),
                    ("Ombudsman referral", "mail", "compliance"),
                ],
            ),
        ],
    ),
]

FUNCTIONS = [
    ("customer-service", "Customer Service"),
    ("field-operations", "Field Operations"),
    ("billing", "Billing"),
    ("digital", "Digital"),
    ("compliance", "Compliance"),
    ("risk", "Risk"),
    ("technology", "Technology"),
    ("product-design", "Product Design"),
    ("stores", "Store Operations"),
    ("sales", "Sales"),
    ("logistics", "Logistics"),
    ("marketing", "Marketing"),
]

INCENTIVES = [
    ("Average handle time", "minutes per call", "under 6 minutes"),
    ("First-contact resolution", "% of needs resolved on the first contact", "over 75%"),
    ("Cost per contact", "cost of a contact in euros", "under 4 EUR"),
    ("Net promoter score", "NPS of surveyed customers", "over 30"),
    ("Revenue per customer", "monthly revenue per customer", "+3% a year"),
    ("On-time delivery", "% of orders delivered on the promised day", "over 95%"),
]

SEGMENTS = [
    "Residential",
    "Small business",
    "Premium",
    "Students",
    "Seniors",
    "New to country",
    "Landlords",
    "Enterprise",
]
# Shares of a journey's customers by segment rank: the first segment dominates.
SEGMENT_SHARES = [0.52, 0.24, 0.13, 0.07, 0.04]

FIRST_NAMES = [
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Elif",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kira",
    "Luis",
    "Maya",
    "Nils",
    "Olga",
    "Pavel",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Uma",
    "Viktor",
    "Wen",
    "Yara",
]
LAST_NAMES = [
    "Andersen",
    "Berg",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Horvat",
    "Ivanova",
    "Jansen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Novak",
    "Olsen",
    "Petrov",
    "Rossi",
    "Silva",
    "Tanaka",
    "Weber",
]
ROLES = [
    "operations lead",
    "product designer",
    "compliance partner",
    "technology lead",
    "analyst",
    "service lead",
    "field lead",
    "billing specialist",
]

ISSUE_TITLES = [
    ("Customers repeat their details at every hand-off", "disjointed_technology"),
    ("Technician arrives without the order details", "disjointed_technology"),
    ("Call-centre target on handle time cuts calls short", "conflicting_objectives"),
    ("Nobody owns the case after the first call", "culture"),
    ("Letters use legal wording customers do not understand", "policy_process"),
    ("Agents cannot see the app history", "disjointed_technology"),
    ("Appointment slots are not honoured", "operational_capability"),
    ("Refunds need three approvals", "policy_process"),
    ("New agents are not trained on this product", "people_skills"),
    ("Store staff cannot change online orders", "operational_capability"),
    ("Sales bonus rewards upgrades customers do not need", "conflicting_objectives"),
    ("Status updates stop after the order", "other"),
]
