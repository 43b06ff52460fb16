"""Portfolio pages for one council, under its prefix: /boston/staff/portfolio/ ..."""

from django.urls import path

from joinedup.portfolio import views, views_gates, views_scenarios

app_name = "portfolio"

P = "staff/portfolio/"
PROPOSAL = P + "proposals/<int:pk>/"
CASE = PROPOSAL + "cases/<int:case_pk>/"

urlpatterns = [
    path(P, views.home, name="home"),
    path(P + "proposals/new/", views.proposal_new, name="proposal-new"),
    path(PROPOSAL, views.proposal_detail, name="proposal"),
    path(PROPOSAL + "edit/", views.proposal_edit, name="proposal-edit"),
    path(PROPOSAL + "schedule/", views.proposal_schedule, name="proposal-schedule"),
    path(PROPOSAL + "stage/", views.proposal_stage, name="proposal-stage"),
    path(PROPOSAL + "vetting/", views.vetting, name="vetting"),
    path(PROPOSAL + "score/", views.score, name="score"),
    path(PROPOSAL + "business-case.html", views.case_print, name="case-print"),
    path(PROPOSAL + "cases/new/", views.case_new, name="case-new"),
    path(CASE, views.case_detail, name="case"),
    path(CASE + "edit/", views.case_edit, name="case-edit"),
    path(CASE + "options/new/", views.option_edit, name="option-new"),
    path(CASE + "options/<int:option_pk>/", views.option_edit, name="option-edit"),
    path(CASE + "gate/", views_gates.gate_new, name="gate-new"),
    path(CASE + "versions/<int:number>/", views_gates.case_version, name="case-version"),
    path(CASE + "compare/", views_gates.case_compare, name="case-compare"),
    path(PROPOSAL + "route/", views_gates.route_switch, name="route-switch"),
    path(PROPOSAL + "history/", views_gates.proposal_history, name="proposal-history"),
    path(P + "questions/", views_gates.questions, name="questions"),
    path(P + "strategy/route/", views_gates.route_limit, name="route-limit"),
    path(PROPOSAL + "status/new/", views.status_new, name="status-new"),
    path(PROPOSAL + "benefits/new/", views.benefit_new, name="benefit-new"),
    path(PROPOSAL + "benefits/<int:benefit_pk>/measure/", views.benefit_measure, name="benefit-measure"),
    path(PROPOSAL + "milestones/new/", views.milestone_new, name="milestone-new"),
    path(PROPOSAL + "questions/new/", views.question_ask, name="question-ask"),
    path(PROPOSAL + "questions/<int:challenge_pk>/answer/", views.question_answer, name="question-answer"),
    path(P + "ranking/", views.ranking, name="ranking"),
    path(P + "ranking.csv", views.ranking, {"fmt": "csv"}, name="ranking-csv"),
    path(P + "ranking.xlsx", views.ranking, {"fmt": "xlsx"}, name="ranking-xlsx"),
    path(P + "selection/", views.selection, name="selection"),
    path(P + "selection/scenarios/", views_scenarios.scenario_list, name="scenarios"),
    path(P + "selection/scenarios/save/", views_scenarios.scenario_save, name="scenario-save"),
    path(P + "roadmap/", views.roadmap, name="roadmap"),
    path(P + "roadmap.csv", views.roadmap, {"fmt": "csv"}, name="roadmap-csv"),
    path(P + "roadmap.xlsx", views.roadmap, {"fmt": "xlsx"}, name="roadmap-xlsx"),
    path(P + "strategy/", views.strategy, name="strategy"),
    path(P + "strategy/objectives/new/", views.objective_new, name="objective-new"),
    path(P + "strategy/objectives/<int:pk>/edit/", views.objective_edit, name="objective-edit"),
    path(P + "strategy/objectives/<int:pk>/retire/", views.objective_retire, name="objective-retire"),
    path(P + "strategy/weights/", views.weights_direct, name="weights-direct"),
    path(P + "strategy/weights/compare/", views.weights_ahp, name="weights-ahp"),
]
