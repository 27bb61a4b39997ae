"""The downloaded results carry the director's override reason, not "see the reason above"."""
from __future__ import annotations

from types import SimpleNamespace


def test_results_file_carries_the_override_reason(app):
    from budget_app.cycles.exports import results_frame
    reason = "The nursery is funded by UNICEF this year; rehabilitation moves up."
    cycle = SimpleNamespace(currency="ILS", override_reason=reason)
    proposal = SimpleNamespace(title="Rehabilitation")
    rows = [{"code": "P05", "proposal": proposal, "cost_minor": 100, "votes": 1, "score": 1, "computed": False,
             "funded": True, "override": "added", "computed_explanation": "Not funded: nobody voted for it.",
             "explanation": "Not funded: nobody voted for it. Added to the allocation by the budget director "
                            "(see the reason above)."},
            {"code": "P01", "proposal": proposal, "cost_minor": 100, "votes": 3, "score": 3, "computed": True,
             "funded": True, "override": None, "computed_explanation": "Funded.", "explanation": "Funded."}]
    with app.app_context(), app.test_request_context("/?lang=en"):
        frame = results_frame(rows, cycle)
    explanations = list(frame["Explanation"])
    assert explanations[0] == ("Not funded: nobody voted for it. Added to the allocation by the budget director. "
                               "Reason: " + reason)
    assert "above" not in " ".join(explanations)
    assert explanations[1] == "Funded."
