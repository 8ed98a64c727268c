from django.urls import path

from annotations import project_views as views

urlpatterns = [
    path("projects/", views.project_list, name="project-list"),
    path("projects/<int:pk>/members/", views.project_members, name="project-members"),
    path(
        "projects/<int:pk>/members/<int:member_pk>/role/",
        views.member_role,
        name="project-member-role",
    ),
    path(
        "projects/<int:pk>/members/<int:member_pk>/remove/",
        views.member_remove,
        name="project-member-remove",
    ),
    path("projects/<int:pk>/articles/", views.project_articles_page, name="project-articles"),
    path(
        "projects/<int:pk>/articles/<int:article_pk>/remove/",
        views.project_article_remove,
        name="project-article-remove",
    ),
    path(
        "projects/<int:pk>/articles/<int:article_pk>/open/",
        views.project_article_open,
        name="project-article-open",
    ),
    path("projects/<int:pk>/assignments/", views.project_assignments, name="project-assignments"),
    path("projects/<int:pk>/assignments/draw/", views.assignments_draw, name="assignments-draw"),
    path(
        "projects/<int:pk>/assignments/<int:assignment_pk>/remove/",
        views.assignment_remove,
        name="assignment-remove",
    ),
    path("projects/<int:pk>/queue/", views.project_queue, name="project-queue"),
    path("assignments/<int:assignment_pk>/done/", views.assignment_done, name="assignment-done"),
    path(
        "assignments/<int:assignment_pk>/reopen/", views.assignment_reopen, name="assignment-reopen"
    ),
]
