"""URL configuration: health probes, the API, the admin and the localised pages."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from yiwang.api.urls import api
from yiwang.core.health import healthz, readyz
from yiwang.identity.forms import AdminSignInForm
from yiwang.portal import views as portal_views

# The admin's login page gives the portal's one answer to every refused sign-in.
admin.site.login_form = AdminSignInForm
# The admin's name in its header and page titles, in the active language (not "Django 管理").
admin.site.site_header = _("yiwang administration")
admin.site.site_title = _("yiwang administration")
admin.site.index_title = _("Catalog, calendar, departments and users")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("favicon.ico", portal_views.favicon),
    path("api/v1/", api.urls),
    path("open311/v2/", include("yiwang.events.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("yiwang.identity.urls")),
    path("workbench/", include("yiwang.workbench.urls")),
    path("city/", include("yiwang.events.urls")),
    path("notifications/", include("yiwang.notifications.urls")),
    path("", include("yiwang.portal.urls")),
]

# An /api/ path's errors are the API's JSON body; other paths get the site's pages.
handler400 = "yiwang.api.edge.bad_request"
handler403 = "yiwang.api.edge.permission_denied"
handler404 = "yiwang.api.edge.page_not_found"
handler500 = "yiwang.api.edge.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
