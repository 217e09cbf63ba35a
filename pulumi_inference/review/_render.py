"""A review as Markdown (a pull-request comment) or plain text (a terminal)."""

from __future__ import annotations

from collections.abc import Iterable

from ._summary import OPS, EndpointChange, Finding, KeyChange, Review

MARKER = "<!-- pulumi-inference review -->"
"""First line of every comment, so a workflow can find and update its own comment."""

SYMBOLS = {"create": "+", "adopt": "=", "update": "~", "replace": "+-", "delete": "-"}


def _counts(review: Review) -> str:
    counts = review.counts
    said = [f"{counts[op]} to {op}" for op in OPS if counts[op]]
    said += [f"{n} to {op}" for op, n in sorted(counts.items()) if op not in OPS]
    return ", ".join(said) or "no changes"


def _value(value: str | None, code: str) -> str:
    if value is None:
        return "(none)"
    shown = value.replace("|", "\\|") if code else value  # a table cell ends at a bare |
    return f"{code}{shown}{code}"


def _key(key: KeyChange, code: str) -> str:
    notes = [
        n for n, on in (("replaces", key.replaces), ("secret, value not shown", key.secret)) if on
    ]
    said = f"{code}{key.path}{code}"
    if not key.secret and (key.before is not None or key.after is not None):
        said += f": {_value(key.before, code)} → {_value(key.after, code)}"
    return said + (f" ({', '.join(notes)})" if notes else "")


def _where(review: Review, markdown: bool) -> list[str]:
    """The project and stack the preview ran on (from its URNs), when it has any."""
    if not review.stack:
        return []
    if markdown:
        return [f"Project `{review.project}`, stack `{review.stack}`.", ""]
    return [f"Project {review.project}, stack {review.stack}"]


def _keys(change: EndpointChange, code: str = "`") -> str:
    return ", ".join(_key(key, code) for key in change.keys)


def _verdict(review: Review) -> str:
    if review.blocked:
        reasons = []
        if review.failing:
            reasons.append(f"{len(review.failing)} change(s) will fail")
        if review.unchecked:
            reasons.append(f"{len(review.unchecked)} replacement(s) could not be checked")
        if review.mandatory:
            reasons.append(f"{len(review.mandatory)} mandatory policy violation(s)")
        return "BLOCKED: " + " and ".join(reasons)
    if not review.preview_succeeded or review.errors:
        return "the preview reported errors (below)"
    return "ready to apply" + (" (read the warnings)" if review.warnings or review.advisory else "")


def _findings(title: str, findings: Iterable[Finding], markdown: bool) -> list[str]:
    items = list(findings)
    if not items:
        return []
    lines = [f"### {title}" if markdown else f"{title}:"]
    for f in items:
        lines.append(
            f"- `{f.name}` ({f.kind}): {f.message}"
            if markdown
            else f"  - {f.name} ({f.kind}): {f.message}"
        )
    return [*lines, ""]


def _policy_lines(review: Review, markdown: bool) -> list[str]:
    if not review.policies_known:
        note = "not known: this preview JSON is a digest, which leaves policy events out"
        return [f"_Policy violations: {note}._" if markdown else f"Policy violations: {note}.", ""]
    lines = _findings("Mandatory policy violations", review.mandatory, markdown)
    lines += _findings("Advisory policy violations", review.advisory, markdown)
    if not lines:
        lines = ["No policy violations." if review.policies_known else "", ""]
    return lines


def _region_lines(review: Review, markdown: bool) -> list[str]:
    """Where inference may run, before and after (a policy is no secret)."""
    if not review.region_policies:
        return []
    lines = ["### Inference region policy" if markdown else "Inference region policy:"]
    for c in review.region_policies:
        symbol = SYMBOLS.get(c.op, "")
        if markdown:
            lines.append(f"- `{symbol}` {c.op} `{c.name}`: {c.before} → {c.after}")
        else:
            lines.append(f"  {symbol:>2} {c.op:<8} {c.name}: {c.before} -> {c.after}")
    return [*lines, ""]


def markdown(review: Review) -> str:
    lines = [MARKER, f"## Inference endpoints: {_counts(review)}", "", *_where(review, True)]
    if review.changes:
        lines += ["| | endpoint | inference id | keys that change |", "|---|---|---|---|"]
        for c in review.changes:
            symbol = SYMBOLS.get(c.op, "")
            lines.append(f"| `{symbol}` {c.op} | `{c.name}` | `{c.inference_id}` | {_keys(c)} |")
        lines.append("")
    lines += _region_lines(review, True)
    lines += _findings(":x: Changes that will fail", review.failing, True)
    lines += _findings(":question: Replacements not checked", review.unchecked, True)
    lines += _findings(":warning: Warnings", review.warnings, True)
    lines += _findings("Errors", review.errors, True)
    lines += _policy_lines(review, True)
    others = ", ".join(f"{n} to {op}" for op, n in sorted(review.other_changes.items()))
    if others:
        lines += [f"Other resources: {others}.", ""]
    lines.append(f"**Result: {_verdict(review)}.**")
    return "\n".join(lines) + "\n"


def text(review: Review) -> str:
    lines = [*_where(review, False), f"Inference endpoints: {_counts(review)}"]
    for c in review.changes:
        keys = _keys(c, code="")
        lines.append(
            f"  {SYMBOLS.get(c.op, ' '):>2} {c.op:<8} {c.name} ({c.inference_id})"
            + (f": {keys}" if keys else "")
        )
    lines.append("")
    lines += _region_lines(review, False)
    lines += _findings("Changes that will fail", review.failing, False)
    lines += _findings("Replacements not checked", review.unchecked, False)
    lines += _findings("Warnings", review.warnings, False)
    lines += _findings("Errors", review.errors, False)
    lines += _policy_lines(review, False)
    lines.append(f"Result: {_verdict(review)}.")
    return "\n".join(lines) + "\n"
