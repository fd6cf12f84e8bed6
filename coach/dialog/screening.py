"""The safety screen every turn goes through: the rules and the learned model, in tiers.

Three tiers, decided from what the rules (safety.py) found and the model's probability
that the turn is a crisis (classifier.py):

- **respond** (`certain=True`): stop and give the crisis response. A certain rule; the
  model at least `respond` sure; or an unclear rule the model backs (at least `confirm`).
  A certain rule the model doubts (below `doubt`: fiction, resolved history, play) is
  asked about instead.
- **ask** (`certain=False`): one gentle, direct question; "yes" or anything unclear leads
  to the response. An unclear rule, or the model at least `ask` sure.
- nothing: no interruption; also a rule's finding when the model is all but sure the
  turn is ordinary (below `quiet`, a few in a thousand: a story being told, harm that
  ended years ago). On the validation part this let 3 of the crises the rules caught
  pass.

The thresholds were chosen on the validation part of the corpus by
scripts/train_safety.py and ship with the weights (coach/data/safety/screen.json). The
rules name the concern when they found one; otherwise the model's likeliest concern.
If the model did not load, the rules screen alone (`coach doctor` says so).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from coach.dialog.classifier import Risk, shared
from coach.dialog.safety import NOTHING, Screening
from coach.dialog.safety import screen as screen_by_rules

log = logging.getLogger(__name__)

LONGEST_SCREENED = 4000
"""Characters of a turn the rules read (a 1 MB paste would hold the turn for seconds);
the model reads at most its windows (classifier.WINDOWS). A spoken turn is far shorter."""


def screen(text: str) -> Screening:
    """Screen one user turn with the rules and, when it loaded, the learned model."""
    text = text[:LONGEST_SCREENED]
    ruled = screen_by_rules(text)
    model = shared()
    if model is None:
        return ruled
    try:
        risk = model.risk(text)
    except Exception as error:  # the model must never cost a turn; the rules have screened it
        log.warning(
            "The learned safety screen failed on a turn (%s); the rules screened it.", error
        )
        return ruled
    return decide(ruled, risk, model.thresholds)


def decide(ruled: Screening, risk: Risk, thresholds: Mapping[str, float]) -> Screening:
    """The tier for a turn, from the rules' finding and the model's reading."""
    if ruled.concern is not None and risk.crisis < thresholds["quiet"]:
        return NOTHING
    if ruled.concern is not None and ruled.certain:
        if risk.crisis < thresholds["doubt"]:
            return Screening(ruled.concern, False, f"{ruled.rule}, doubted by the model")
        return ruled
    if risk.crisis >= thresholds["respond"]:
        return Screening(ruled.concern or risk.concern, True, "model")
    if ruled.concern is not None:
        if risk.crisis >= thresholds["confirm"]:
            return Screening(ruled.concern, True, f"{ruled.rule}, backed by the model")
        return ruled
    if risk.crisis >= thresholds["ask"]:
        return Screening(risk.concern, False, "model")
    return NOTHING
