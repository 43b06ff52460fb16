"""Portfolio pages for one council, under its prefix: /boston/staff/portfolio/ ..."""

app_name = "portfolio"

urlpatterns = []
