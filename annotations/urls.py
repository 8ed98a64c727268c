from django.urls import path

from annotations import project_urls, review_views, run_views, views
from annotations.interchange import views as interchange

app_name = "annotations"

urlpatterns = [
    path("articles/<int:article_pk>/code/", views.article_workbench, name="workbench"),
    path("articles/<int:article_pk>/code/rows/", views.workbench_rows, name="workbench-rows"),
    path("articles/<int:article_pk>/tags/", views.annotation_create, name="annotation-create"),
    path("articles/<int:article_pk>/summary/", views.article_summary, name="article-summary"),
    path("articles/<int:article_pk>/entity-names/", views.entity_names, name="entity-names"),
    path("tags/<int:pk>/", views.annotation_detail, name="annotation-detail"),
    path("tags/<int:pk>/edit/", views.annotation_update, name="annotation-update"),
    path("tags/<int:pk>/delete/", views.annotation_delete, name="annotation-delete"),
    path("tags/<int:pk>/restore/", views.annotation_restore, name="annotation-restore"),
    path("tags/<int:pk>/links/", views.relation_create, name="relation-create"),
    path("links/<int:pk>/delete/", views.relation_delete, name="relation-delete"),
    path("tags/import/", interchange.tags_import, name="tags-import"),
    path("articles/<int:article_pk>/export/", interchange.article_export, name="article-export"),
    path("export/", interchange.selection_export, name="export"),
    path(
        "articles/<int:article_pk>/suggestions/retry/",
        run_views.suggestions_retry,
        name="suggestions-retry",
    ),
    path(
        "projects/<int:project_pk>/review/",
        review_views.project_dashboard,
        name="project-dashboard",
    ),
    path(
        "projects/<int:project_pk>/agreement.csv",
        review_views.project_agreement_csv,
        name="project-agreement-csv",
    ),
    path(
        "projects/<int:project_pk>/articles/<int:article_pk>/compare/",
        review_views.article_compare,
        name="article-compare",
    ),
    path(
        "projects/<int:project_pk>/articles/<int:article_pk>/consensus/accept/",
        review_views.consensus_accept,
        name="consensus-accept",
    ),
    path(
        "projects/<int:project_pk>/articles/<int:article_pk>/consensus/accept-agreed/",
        review_views.consensus_accept_agreed,
        name="consensus-accept-agreed",
    ),
    path(
        "projects/<int:project_pk>/articles/<int:article_pk>/consensus/add/",
        review_views.consensus_add,
        name="consensus-add",
    ),
    path(
        "projects/<int:project_pk>/consensus/<int:pk>/edit/",
        review_views.consensus_edit,
        name="consensus-edit",
    ),
    path(
        "projects/<int:project_pk>/consensus/<int:pk>/remove/",
        review_views.consensus_remove,
        name="consensus-remove",
    ),
    path("suggestions/<int:pk>/accept/", views.suggestion_accept, name="suggestion-accept"),
    path(
        "suggestions/<int:pk>/accept-pair/",
        views.suggestion_accept_pair,
        name="suggestion-accept-pair",
    ),
    path("suggestions/<int:pk>/dismiss/", views.suggestion_dismiss, name="suggestion-dismiss"),
    *project_urls.urlpatterns,
]
