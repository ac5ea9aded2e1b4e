"""Why a start-screen action cannot be used now, from what is selected (no Qt here).

One table serves the buttons and their menu items: both are enabled exactly when the
reason is None, and otherwise both say the reason (tooltip and status line), so a
greyed-out action never leaves the person guessing.
"""

from __future__ import annotations

from dataclasses import dataclass

SELECT_CODING = "Select a coding first."
SELECT_SESSION = "Select a session first."
SELECT_GROUP = "Select a group first."


@dataclass(frozen=True)
class Picked:
    """What is selected in the list: the item or one below it (a coding is in a session…)."""

    group: bool = False
    session: bool = False
    coding: bool = False
    reference: bool = False  # the selected coding is a reference
    practice: bool = False  # the selected coding is a practice attempt


# What each action does when it can be used (its tooltip then).
DOES = {
    "open": "Open the selected coding (Enter).",
    "new_coding": "Start a new coding of the selected session.",
    "new_session": "Add a session to the selected group.",
    "review": "Review the selected coding with a recording of its session.",
    "attach": "Attach a recording to the selected session.",
    "agreement": "Compare the codings of the selected session.",
    "reference": "Mark or unmark the selected coding as the reference for practice.",
    "attempt": "Practise coding this session against its reference.",
    "feedback": "See how the selected practice attempt compares with its reference.",
}


def reasons(picked: Picked) -> dict[str, str | None]:
    """For every action: None when it can be used, else why not, in the person's words."""
    coding = None if picked.coding else SELECT_CODING
    session = None if picked.session else SELECT_SESSION
    reference = coding or (
        "A practice attempt cannot be a reference: select the coding it practises."
        if picked.practice
        else None
    )
    attempt = coding or (
        None
        if picked.reference or picked.practice
        else "Mark this coding as the reference first (Mark as reference)."
    )
    feedback = coding or (
        None
        if picked.practice
        else "Select a practice attempt: feedback compares it with its reference."
    )
    return {
        "open": coding,
        "new_coding": session,
        "new_session": None if picked.group else SELECT_GROUP,
        "review": coding,
        "attach": session,
        "agreement": session,
        "reference": reference,
        "attempt": attempt,
        "feedback": feedback,
    }
