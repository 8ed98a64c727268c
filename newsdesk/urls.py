from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from newsdesk import extensions, views

newsroom_patterns = [
    path("", views.article_list, name="article-list"),
    path("articles/upload/", views.article_upload, name="article-upload"),
    path("imports/<int:pk>/", views.import_batch_detail, name="import-batch"),
    path("imports/<int:pk>/resume/", views.import_batch_resume, name="import-batch-resume"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
    path(
        "articles/<int:pk>/retry-entities/",
        views.article_retry_entities,
        name="article-retry-entities",
    ),
]

urlpatterns = [
    path("", include((newsroom_patterns, "newsdesk"))),
    # The apps that extend the newsroom register their pages (newsdesk.extensions).
    *(path("", include(module)) for module in extensions.url_modules()),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]

handler500 = "newsdesk.errors.server_error"
