"""Open311 GeoReport v2 with the mySociety updates extension, at /open311/v2/."""

app_name = "open311"

urlpatterns = []
