"""The workspace's addresses, the same under a council (/boston/scrutiny/...) and a partnership
(/partnerships/<slug>/scrutiny/...): the views tell the two apart by the slug they are given."""

from django.urls import path

from joinedup.scrutiny import views, views_report, views_tracker

C = "committees/<int:pk>/"
M = C + "meetings/<int:meeting_pk>/"
R = "recommendations/<int:pk>/"


def workspace_patterns(prefix: str) -> list:
    p = prefix
    return [
        path(p, views.home, name="home"),
        path(p + "committees/new/", views.committee_new, name="committee-new"),
        path(p + C, views.committee_detail, name="committee"),
        path(p + "scoring-schemes/new/", views.scheme_new, name="scheme-new"),
        path(p + C + "scoring/", views.committee_scheme, name="committee-scheme"),
        path(p + C + "members/new/", views.member_new, name="member-new"),
        path(p + C + "terms/new/", views.terms_new, name="terms-new"),
        path(p + C + "meetings/new/", views.meeting_new, name="meeting-new"),
        path(p + M, views.meeting_detail, name="meeting"),
        path(p + M + "items/new/", views.item_new, name="item-new"),
        path(p + M + "items/<int:item_pk>/evidence/new/", views.evidence_new, name="evidence-new"),
        path(p + "documents/<int:pk>/", views.document_download, name="document"),
        path(p + C + "programme/", views.programme, name="programme"),
        path(p + C + "programme/new/", views.topic_new, name="topic-new"),
        path(p + C + "programme/<int:topic_pk>/", views.topic_detail, name="topic"),
        path(p + C + "reports/new/", views_tracker.report_new, name="report-new"),
        path(p + "reports/<int:pk>/", views_tracker.report_detail, name="report"),
        path(p + "reports/<int:pk>/recommendations/new/", views_tracker.recommendation_new, name="recommendation-new"),
        path(p + "recommendations/", views_tracker.tracker_page, name="tracker"),
        path(p + "recommendations.csv", views_tracker.tracker_page, {"fmt": "csv"}, name="tracker-csv"),
        path(p + "recommendations.xlsx", views_tracker.tracker_page, {"fmt": "xlsx"}, name="tracker-xlsx"),
        path(p + R, views_tracker.recommendation_detail, name="recommendation"),
        path(p + R + "edit/", views_tracker.recommendation_edit, name="recommendation-edit"),
        path(p + R + "response/", views_tracker.recommendation_respond, name="recommendation-respond"),
        path(p + R + "progress/", views_tracker.update_new, name="update-new"),
        path(p + R + "sign-off/", views_tracker.sign_off, name="sign-off"),
        path(p + C + "scrutiny-report/", views_report.data_report, name="data-report"),
        path(p + C + "scrutiny-report/<int:version_pk>/", views_report.data_report_version, name="data-report-version"),
        path(p + C + "scrutiny-report/<int:version_pk>.pdf", views_report.data_report_pdf, name="data-report-pdf"),
        # Public: no sign-in.
        path(p + "published/", views_tracker.public, name="public"),
        path(p + "published.csv", views_tracker.public, {"fmt": "csv"}, name="public-csv"),
        path(p + "published.xlsx", views_tracker.public, {"fmt": "xlsx"}, name="public-xlsx"),
    ]
