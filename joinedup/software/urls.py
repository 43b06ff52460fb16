from django.urls import path

from joinedup.software import views, views_imports, views_workflows

app_name = "software"

urlpatterns = [
    path("staff/software/", views.register, name="register"),
    path("staff/software/register.csv", views.register_csv, name="register-csv"),
    path("staff/software/applications/new/", views.application_edit, name="application-create"),
    path("staff/software/applications/<int:pk>/", views.application_detail, name="application"),
    path("staff/software/applications/<int:pk>/edit/", views.application_edit, name="application-edit"),
    path("staff/software/products/", views.products, name="products"),
    path("staff/software/products/new/", views.product_create, name="product-create"),
    path("staff/software/products/<int:pk>/alias/", views.product_alias_add, name="product-alias"),
    path("staff/software/contracts/", views.contracts, name="contracts"),
    path("staff/software/contracts/new/", views.contract_edit, name="contract-create"),
    path("staff/software/contracts/<int:pk>/edit/", views.contract_edit, name="contract-edit"),
    path("staff/software/contracts/<int:pk>/commitments/", views.commitments, name="commitments"),
    path("staff/software/contracts/<int:pk>/commitments/new/", views.commitment_edit, name="commitment-create"),
    path(
        "staff/software/contracts/<int:pk>/commitments/<int:commitment_pk>/edit/",
        views.commitment_edit,
        name="commitment-edit",
    ),
    path("staff/software/licences/new/", views.entitlement_create, name="entitlement-create"),
    path("staff/software/licences/", views.licences, name="licences"),
    path("staff/software/licences/recorded/", views.entitlements, name="entitlements"),
    path("staff/software/licences/<int:pk>/edit/", views.entitlement_edit, name="entitlement-edit"),
    path("staff/software/renewals/", views.renewals, name="renewals"),
    path("staff/software/renewals.ics", views.renewals_ical, name="renewals-ical"),
    path("staff/software/renewals/calendar/", views.calendar_feed, name="calendar-feed"),
    path("staff/software/download/<slug:table>.<slug:fmt>", views.export, name="export"),
    path("staff/software/risks/", views.risks, name="risks"),
    path("staff/software/imports/", views_imports.import_upload, name="import"),
    path("staff/software/imports/<int:pk>/", views_imports.import_preview, name="import-preview"),
    path("staff/software/imports/<int:pk>/columns/", views_imports.import_mapping, name="import-mapping"),
    path("staff/software/reclaim-and-attest/", views_workflows.workflow_list, name="workflows"),
    path("staff/software/reclaim-and-attest/reclaim/new/", views_workflows.reclaim_start, name="reclaim-start"),
    path("staff/software/reclaim-and-attest/reclaim/<int:pk>/", views_workflows.reclaim_decide, name="reclaim-decide"),
    path("staff/software/reclaim-and-attest/attestation/new/", views_workflows.campaign_start, name="campaign-start"),
    path(
        "staff/software/reclaim-and-attest/attestation/<int:pk>/",
        views_workflows.attestation_answer,
        name="attestation",
    ),
]
