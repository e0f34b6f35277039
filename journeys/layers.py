"""The layers of a service blueprint behind each touchpoint (Bitner, Ostrom and Morgan, 2008).

One home for their field names, their words and the lines drawn between them: the model, the
editor, the API, the blueprint, the Mermaid and CSV exports all read this list. From the
customer's side inwards: what the customer does; the *line of interaction*; what the customer
sees and who (frontstage); the *line of visibility*; what staff do out of sight (backstage); the
*line of internal interaction*; the systems and policies that support them.
"""

from dataclasses import dataclass

LAYER_MAX_LENGTH = 1000


@dataclass(frozen=True)
class Layer:
    field: str  # the Touchpoint field
    label: str  # the row of the blueprint, the column of the CSV
    question: str  # the editor's label: the question the owner answers
    help_text: str
    line_below: str = ""  # the blueprint line drawn between this layer and the next


LAYERS = (
    Layer(
        "customer_action",
        "Customer actions",
        "What the customer does",
        "The customer's own steps here, e.g. \u201cCalls to book a slot, then waits in for the technician.\u201d",
        line_below="Line of interaction",
    ),
    Layer(
        "frontstage",
        "Frontstage",
        "What the customer sees, and who",
        "People, screens and things the customer meets, e.g. \u201cContact-centre agent; booking text message.\u201d",
        line_below="Line of visibility",
    ),
    Layer(
        "backstage",
        "Backstage",
        "What staff do out of sight",
        "Work the customer does not see, e.g. \u201cDispatcher assigns the job to a technician's route.\u201d",
        line_below="Line of internal interaction",
    ),
    Layer(
        "support_processes",
        "Support processes",
        "Systems and policies behind it",
        "Systems, rules and other teams that make it work, "
        "e.g. \u201cField scheduling system; four-hour slot policy.\u201d",
    ),
)

LAYER_FIELDS = tuple(layer.field for layer in LAYERS)
