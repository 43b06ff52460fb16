from django.urls import path

from joinedup.notifications import views

app_name = "notifications"

urlpatterns = [
    path("staff/messages/", views.message_list, name="message-list"),
    path("staff/sent-messages/<int:pk>/", views.message_resend, name="message-resend"),
    path("staff/messages/<str:event>/<str:channel>/", views.message_edit, name="message-edit"),
]
