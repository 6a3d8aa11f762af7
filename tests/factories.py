"""factory_boy factories shared by the suite, with presets for common shapes."""

from __future__ import annotations

import factory
from django.utils import timezone

from yiwang.catalog.models import Material, ServiceItem, ServiceVersion, Topic
from yiwang.identity.models import Department, Region, User


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "370100"
    name_zh = "济南市"
    name_en = "Jinan"
    level = Region.Level.CITY


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"DEPT{n:04d}")
    name_zh = factory.Sequence(lambda n: f"测试局{n}")
    name_en = factory.Sequence(lambda n: f"Test Bureau {n}")
    region = factory.SubFactory(RegionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"topic-{n}")
    name_zh = factory.Sequence(lambda n: f"主题{n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")
    audience = Topic.Audience.PERSON


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceItem

    code = factory.Sequence(lambda n: f"11370100TEST{n:06d}")
    department = factory.SubFactory(DepartmentFactory)


class ServiceVersionFactory(factory.django.DjangoModelFactory):
    """A draft version; ``ServiceVersionFactory(published=True)`` publishes it directly."""

    class Meta:
        model = ServiceVersion
        skip_postgeneration_save = True

    class Params:
        published = factory.Trait(
            status=ServiceVersion.Status.PUBLISHED,
            published_at=factory.LazyFunction(timezone.now),
        )

    item = factory.SubFactory(ServiceItemFactory)
    number = 1
    name_zh = factory.Sequence(lambda n: f"测试事项{n}")
    name_en = factory.Sequence(lambda n: f"Test service {n}")
    kind = ServiceVersion.Kind.LICENSING
    service_object = ServiceVersion.ServiceObject.BOTH
    legal_limit_days = 20
    promised_limit_days = 10
    visits = 0

    @factory.post_generation
    def _link_published(obj, create, extracted, **kwargs):
        if create and obj.status == ServiceVersion.Status.PUBLISHED:
            ServiceItem.objects.filter(pk=obj.item_id).update(published_version=obj)
            obj.item.published_version = obj


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    version = factory.SubFactory(ServiceVersionFactory)
    name_zh = factory.Sequence(lambda n: f"材料{n}")
    name_en = factory.Sequence(lambda n: f"Material {n}")
    formats = ["pdf", "jpg"]


VALID_FORM_SCHEMA = {
    "type": "object",
    "properties": {
        "applicant_name": {"type": "string", "title": "申请人姓名"},
        "start_date": {"type": "string", "format": "date", "title": "开始日期"},
    },
    "required": ["applicant_name"],
}


def publish_service(
    *,
    code: str | None = None,
    department: Department | None = None,
    materials: list[dict] | None = None,
    topics: list[Topic] | None = None,
    **fields,
) -> ServiceVersion:
    """Create and publish a service through the catalog services (indexed for search)."""
    from yiwang.catalog import services

    defaults = {
        "name_zh": "测试事项",
        "name_en": "Test service",
        "kind": ServiceVersion.Kind.LICENSING,
        "service_object": ServiceVersion.ServiceObject.BOTH,
        "legal_limit_days": 20,
        "promised_limit_days": 10,
        "visits": 0,
        "steps": [{"name_zh": "受理", "name_en": "Acceptance"}],
        "form_schema": VALID_FORM_SCHEMA,
    }
    defaults.update(fields)
    draft = services.service_item_create(
        code=code or ServiceItemFactory.build().code,
        department=department or DepartmentFactory(),
        actor=None,
        topics=topics or [],
        **defaults,
    )
    for order, material in enumerate(materials or [{"name_zh": "身份证明", "name_en": "ID"}]):
        Material.objects.create(version=draft, order=order, formats=["pdf"], **material)
    return services.service_version_publish(version=draft, actor=None)
