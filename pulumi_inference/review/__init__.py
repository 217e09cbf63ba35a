"""``pulumi-inference review``: `pulumi preview --json` as a review comment (docs/reviews.md).

review = review_of(parse_preview(text))
markdown(review)      # a pull-request comment; review.blocked says whether to stop
"""

from .._face import present
from ._command import COMMAND, EXIT_BLOCKED, EXIT_NO_REVIEW, EXIT_OK, run_preview
from ._preview import Diagnostic, PolicyViolation, Preview, Step, parse_preview
from ._render import MARKER, markdown, text
from ._summary import EndpointChange, Finding, KeyChange, Review, review_of

__all__ = [
    "COMMAND",
    "EXIT_BLOCKED",
    "EXIT_NO_REVIEW",
    "EXIT_OK",
    "MARKER",
    "Diagnostic",
    "EndpointChange",
    "Finding",
    "KeyChange",
    "PolicyViolation",
    "Preview",
    "Review",
    "Step",
    "markdown",
    "parse_preview",
    "review_of",
    "run_preview",
    "text",
]

present(__name__, globals())
