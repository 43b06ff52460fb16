"""Portfolio pages for a whole partnership: /partnerships/<slug>/portfolio/ ..."""

app_name = "portfolio_partnership"

urlpatterns = []
