"""The one list of states: what the ledger says about a pair, and what a run did with an item.

Every place that sorts pairs or items by state imports these names — the ledger's fold, the
planner, reconcile, the preview's groups, the terminal summary and the ledger commit message — so a
new state is one entry here (plus whatever makes it) and cannot be forgotten by one of them.
"""

from __future__ import annotations

#: Pair states (publish.ledger.fold) and what each means.
PAIR_STATES: dict[str, str] = {
    "new": "never attempted",
    "pending": "a request may have gone out and its result is not recorded",
    "uncertain": "the request failed in a way that may still have posted",
    "posted": "the network answered with the post",
    "accepted": ("the network accepted it for later processing and cannot be asked what became of it "
                 "(a Teams Workflows webhook answers 202 before its flow runs)"),
    "marked": "recorded as already shared by --mark-existing",
    "failed": "the network refused it; tried again next run",
    "not-sent": "proven never to have arrived (or held before sending); tried again next run",
    "attention": "cannot tell whether it arrived; re-sent only with --retry-attention",
}
#: A request may be out: settled by reconcile before anything else happens to the pair.
OPEN = frozenset({"pending", "uncertain"})
#: Shared: never sent again (unless --reshare or edited). An "accepted" pair is never re-sent.
SHARED = frozenset({"posted", "accepted", "marked"})
#: The item status a run shows for a pair shared on an earlier run.
SHARED_BEFORE = {"posted": "already-posted", "accepted": "already-accepted", "marked": "marked"}


def state_of_posted(record: dict) -> str:
    """The pair state a `posted` ledger record sets (its flags say how it was shared)."""
    if record.get("marked"):
        return "marked"
    return "accepted" if record.get("accepted") else "posted"


#: Item statuses → (terminal summary column, preview group). Every status a run can give an
#: item is listed; `summary_column`/`preview_group` send anything unknown to "held".
STATUSES: dict[str, tuple[str, str]] = {
    "planned": ("now", "now"),
    "posted": ("now", "now"),
    "preview-only": ("now", "now"),
    "accepted": ("accepted", "now"),
    "already-posted": ("shared before", "shared"),
    "already-accepted": ("shared before", "shared"),
    "marked": ("shared before", "shared"),
    "capped": ("capped", "later"),
    "deferred": ("rate limited", "later"),
    "not-live": ("not live", "later"),
    "unsettled": ("in flight", "later"),
    "held": ("held", "held"),
    "attention": ("held", "held"),
    "edited": ("held", "held"),
    "failed": ("failed", "held"),
}
#: Summary columns in display order.
COLUMNS = ("now", "shared before", "capped", "rate limited", "not live", "in flight", "held", "failed",
           "accepted")
#: Statuses worth a line of their own after the summary (what the operator should look at).
REPORTED = frozenset({"failed", "held", "edited", "attention", "unsettled", "deferred", "not-live",
                      "accepted"})


def summary_column(status: str) -> str:
    return STATUSES.get(status, ("held", "held"))[0]


def preview_group(status: str) -> str:
    return STATUSES.get(status, ("held", "held"))[1]


def statuses_in_group(group: str) -> frozenset[str]:
    return frozenset(s for s, (_, g) in STATUSES.items() if g == group)
