"""An index on service requests' (council, closed_at), for the rollups' "closed on this day" query.

The figures are the only reader that looks requests up by when they were closed, so the index is
made here rather than in service_requests (which must not know about figures). Plain SQL that
SQLite and PostgreSQL both accept.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("figures", "0001_initial"),
        ("service_requests", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS figures_request_council_closed "
            "ON service_requests_servicerequest (council_id, closed_at)",
            reverse_sql="DROP INDEX IF EXISTS figures_request_council_closed",
        ),
    ]
