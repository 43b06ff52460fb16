"""The staff back office, under /<council_slug>/staff/ in the service_requests namespace."""

from django.urls import include, path

from joinedup.service_requests import views_staff as views

urlpatterns = [
    # Requests. The fixed paths come before requests/<reference>/.
    path("requests/", views.queue, name="staff-queue"),
    path("requests/export.csv", views.queue_export, name="staff-export"),
    path("requests/bulk-status/", views.queue_bulk_status, name="staff-bulk-status"),
    path("requests/new/", views.log_request, name="staff-log-request"),
    path("requests/<str:reference>/", views.request_detail, name="staff-detail"),
    path("requests/<str:reference>/status/", views.status_change, name="staff-status"),
    path("requests/<str:reference>/update/", views.public_update, name="staff-public-update"),
    path("requests/<str:reference>/note/", views.internal_note, name="staff-note"),
    path("requests/<str:reference>/assign/", views.assign, name="staff-assign"),
    path("requests/<str:reference>/category/", views.recategorise, name="staff-recategorise"),
    path("requests/<str:reference>/merge/", views.merge, name="staff-merge"),
    path("requests/<str:reference>/chaser/", views.chaser, name="staff-chaser"),
    path("requests/<str:reference>/photos/<int:pk>/", views.photo, name="staff-photo"),
    path("requests/<str:reference>/photos/<int:pk>/thumb/", views.photo_thumbnail, name="staff-photo-thumb"),
    # Categories and their questions.
    path("categories/", views.category_index, name="staff-categories"),
    path("categories/new/", views.category_edit, name="staff-category-create"),
    path("categories/<int:pk>/", views.category_detail, name="staff-category"),
    path("categories/<int:pk>/edit/", views.category_edit, name="staff-category-edit"),
    path("categories/<int:pk>/active/", views.category_active, name="staff-category-active"),
    path("categories/<int:pk>/questions/new/", views.question_edit, name="staff-question-create"),
    path("categories/<int:pk>/questions/<int:question_pk>/edit/", views.question_edit, name="staff-question-edit"),
    path(
        "categories/<int:pk>/questions/<int:question_pk>/delete/", views.question_delete, name="staff-question-delete"
    ),
    path("categories/<int:pk>/questions/<int:question_pk>/move/", views.question_move, name="staff-question-move"),
    # Response templates.
    path("response-templates/", views.template_index, name="staff-templates"),
    path("response-templates/new/", views.template_edit, name="staff-template-create"),
    path("response-templates/<int:pk>/edit/", views.template_edit, name="staff-template-edit"),
    path("response-templates/<int:pk>/delete/", views.template_delete, name="staff-template-delete"),
    # Open311 API keys.
    path("api-keys/", include("joinedup.service_requests.open311.urls_staff")),
]
