"""Portfolio pages for a whole partnership: /partnerships/<slug>/portfolio/ ..."""

from django.urls import path

from joinedup.portfolio import views

app_name = "portfolio_partnership"

urlpatterns = [
    path("", views.partnership_roadmap, name="roadmap"),
    path("roadmap.csv", views.partnership_roadmap, {"fmt": "csv"}, name="roadmap-csv"),
    path("roadmap.xlsx", views.partnership_roadmap, {"fmt": "xlsx"}, name="roadmap-xlsx"),
    path("ranking/", views.partnership_ranking, name="ranking"),
    path("ranking.csv", views.partnership_ranking, {"fmt": "csv"}, name="ranking-csv"),
    path("selection/", views.partnership_selection, name="selection"),
    path("ranking.xlsx", views.partnership_ranking, {"fmt": "xlsx"}, name="ranking-xlsx"),
]
