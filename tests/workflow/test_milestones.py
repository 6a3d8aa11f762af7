"""The main path of each shipped workflow (the tracker's stepper), read off the YAML by hand."""

from __future__ import annotations

import pytest

from yiwang.workflow import load_standard
from yiwang.workflow.milestones import main_path, path_state


@pytest.mark.parametrize(
    ("name", "path"),
    [
        # 受理 → 审查 → 决定 → 送达 → 办结 (Administrative Licensing Law arts. 32, 34, 37, 44)
        ("licensing", [("submitted", None), ("under_review", "accept"), ("reviewed", "review"),
                       ("approved", "approve"), ("certificate_issued", "issue_certificate"),
                       ("completed", "complete")]),
        ("public_service", [("submitted", None), ("accepted", "accept"),
                            ("completed", "complete")]),
        # the departments' branches are inside the fork: the applicant sees one joint review
        ("parallel_review", [("submitted", None), ("joint_review", "accept"),
                             ("opinions_in", None), ("approved", "approve")]),
        # 受理 → 派单 → 签收 → 答复 → 办结, not the shortcut that closes a duplicate
        ("city_event", [("registered", None), ("dispatched", "dispatch"), ("handling", "sign"),
                        ("replied", "reply"), ("closed", "close")]),
    ],
)  # fmt: skip
def test_the_main_path_runs_from_receipt_to_completion(name, path):
    assert [(m.state, m.command) for m in main_path(load_standard(name))] == path


@pytest.mark.parametrize(
    ("state", "stands_at"),
    [
        ("intake_supplement", "submitted"),  # a supplement at intake returns to intake
        ("review_supplement", "under_review"),
        ("special_procedure", "under_review"),
        ("reviewed", "reviewed"),
        ("rejected", None),  # ended off the path
        ("denied", None),
        ("withdrawn", None),
    ],
)
def test_a_detour_stands_at_the_step_it_returns_to(state, stands_at):
    definition = load_standard("licensing")
    assert path_state(definition, main_path(definition), state) == stands_at
