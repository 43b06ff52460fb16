"""Councillor pages, under a council's prefix: /boston/councillors/ ..."""

app_name = "councillors"

urlpatterns = []
