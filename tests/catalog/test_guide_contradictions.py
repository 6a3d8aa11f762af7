"""Issue 11: a guide that contradicts itself is refused at publish.

"零次到现场" (zero visits) with a site inspection (现场核查) among the steps or a
material whose original is to be shown (需出示原件); zero visits for a service that
cannot be applied for online; on the spot (即办) with a site inspection; a kind and a
path that disagree (a licence that is never decided, a registration given 行政许可决定书).
"""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import add_parts, publish_service
from yiwang.catalog import selectors, services
from yiwang.catalog.models import ServiceVersion
from yiwang.core.models import AuditEntry

pytestmark = pytest.mark.django_db

STEPS = [{"name_zh": "受理", "name_en": "Acceptance"}, {"name_zh": "决定", "name_en": "Decision"}]
INSPECTION = [*STEPS[:1], {"name_zh": "现场核查", "name_en": "On-site inspection"}, *STEPS[1:]]
ORIGINAL = {"name_zh": "营业执照", "name_en": "Business licence", "original_required": True}


@pytest.mark.parametrize(
    ("changes", "materials", "field", "message"),
    [
        (
            {"visits": 0, "steps": INSPECTION},
            [],
            "visits",
            "On-site visits is 0 (零次到现场) but the process steps include a site inspection",
        ),
        (
            {"visits": 0},
            [ORIGINAL],
            "visits",
            "these materials have “original to be shown” (需出示原件): 营业执照.",
        ),
        (
            {"visits": 0, "online_available": False},
            [],
            "online_available",
            "On-site visits is 0 (零次到现场) but the service cannot be applied for online",
        ),
        (
            {"visits": 1, "promised_limit_days": 0, "steps": INSPECTION},
            [],
            "promised_limit_days",
            "The promised limit is 0 (即办, decided on the spot) but the process steps include",
        ),
        (  # a licence whose path never decides (行政许可法 第三十八条: a written decision)
            {"visits": 1, "workflow": ServiceVersion.Workflow.PUBLIC_SERVICE},
            [],
            "workflow",
            "An administrative licence (行政许可) follows a licensing path",
        ),
        (  # a registration on the licensing path would issue 行政许可决定书
            {"visits": 1, "kind": ServiceVersion.Kind.REGISTRATION},
            [],
            "workflow",
            "Only an administrative licence (行政许可) follows a licensing path",
        ),
    ],
)
def test_a_guide_that_contradicts_itself_is_refused_and_nothing_changes(
    changes, materials, field, message
):
    # given a published service and a draft that contradicts itself
    v1 = publish_service(visits=1, steps=STEPS)
    draft = services.service_version_create_draft(item=v1.item, actor=None)
    draft = services.service_version_update_draft(version=draft, actor=None, **changes)
    add_parts(draft, materials=materials)
    audit_before = AuditEntry.objects.count()

    # when it is published
    with pytest.raises(ValidationError) as excinfo:
        services.service_version_publish(version=draft, actor=None)

    # then the refusal names the field and says why, and the portal still shows version 1
    assert message in " ".join(excinfo.value.message_dict[field])
    draft.refresh_from_db()
    assert draft.status == ServiceVersion.Status.DRAFT
    assert selectors.service_guide(v1.item.code).number == 1
    assert AuditEntry.objects.count() == audit_before


def test_one_visit_may_have_a_site_inspection_and_originals():
    version = publish_service(visits=1, steps=INSPECTION, materials=[ORIGINAL])

    assert version.status == ServiceVersion.Status.PUBLISHED
