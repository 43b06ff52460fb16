from django.urls import path

from joinedup.service_requests import views_public as views

urlpatterns = [
    path("requests/<str:reference>/", views.track, name="track"),
    path("requests/<str:reference>/feedback/<str:token>/", views.feedback, name="feedback"),
]
