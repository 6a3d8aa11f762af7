"""The knowledge base (知识库): articles officers and the hotline answer from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.events.models.directory import Category


class KnowledgeArticle(models.Model):
    """A standard answer (知识库), versioned: a new version supersedes the previous of its key."""

    key = models.SlugField(_("key"), max_length=80)
    version = models.PositiveIntegerField(_("version"), default=1)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name=_("category"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("answer"))
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    is_current = models.BooleanField(_("current"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = _("knowledge base article")
        verbose_name_plural = _("knowledge base articles")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="events_article_version"),
            models.UniqueConstraint(
                fields=["key"], condition=Q(is_current=True), name="events_article_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"
