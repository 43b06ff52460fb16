"""Entra sign-in logs in JSON, as the Entra admin centre's "Download JSON" writes them (an array
of sign-ins with Microsoft Graph's `signIn` keys), or a Graph `auditLogs/signIns` page
(`{"value": [...]}`).

DuckDB reads the file a batch at a time, taking only the keys an import needs, so a file of
hundreds of megabytes is never held whole in memory. Row N in a message is the Nth sign-in.
"""

import codecs
import re

from joinedup.software.imports.csvfile import CHUNK, ImportResult, open_file

# The keys read; every other key of a sign-in is ignored.
COLUMNS = {
    "createdDateTime": "VARCHAR",
    "userPrincipalName": "VARCHAR",
    "appDisplayName": "VARCHAR",
    "status": "STRUCT(errorCode VARCHAR, failureReason VARCHAR)",
}
STRUCT = ", ".join(f"{name} {kind}" for name, kind in COLUMNS.items())
BATCH = 10_000
# The largest single JSON object read (one sign-in, or a whole `{"value": [...]}` Graph page).
MAX_OBJECT_BYTES = 64 * 1024 * 1024


def is_json(data) -> bool:
    """Whether the file starts (after a BOM and blank space) with '[' or '{'."""
    with open_file(data) as file:
        head = file.read(CHUNK)
    head = head.removeprefix(codecs.BOM_UTF8).lstrip()
    return head[:1] in (b"[", b"{")


def json_records(data, result: ImportResult):
    """Yield (sign-in number, {date, person, application, status, error_code}); problems go into `result`."""
    import tempfile

    import duckdb

    from joinedup.software.imports.entra import _duckdb_connection

    with open_file(data) as file:
        head = file.read(CHUNK).removeprefix(codecs.BOM_UTF8).lstrip()
    wrapped = head[:1] == b"{"
    options = f"maximum_object_size = {MAX_OBJECT_BYTES}"
    if wrapped:
        query = (
            f"SELECT unnest(value, recursive := true) FROM read_json(?, format = 'auto', {options}, "  # noqa: S608
            f"columns = {{'value': 'STRUCT({STRUCT})[]'}})"
        )
    else:
        query = f"SELECT * FROM read_json(?, format = 'array', {options}, columns = {COLUMNS!r})"  # noqa: S608
    scratch = None
    try:
        with _duckdb_connection() as db:
            if isinstance(data, (bytes, bytearray, memoryview)):
                scratch = tempfile.NamedTemporaryFile(suffix=".json")  # noqa: SIM115 (closed below)
                scratch.write(data)
                scratch.flush()
                path = scratch.name
            else:
                path = str(data)
            try:
                cursor = db.execute(query, [path])
                number = 0
                while batch := cursor.fetchmany(BATCH):
                    for record in batch:
                        number += 1
                        result.rows += 1
                        when, person, application, *status = record
                        # The status as a struct; unnested from a Graph page, errorCode then failureReason.
                        error_code = (status[0] or {}).get("errorCode") if len(status) == 1 else status[0]
                        values = {
                            "date": when or "",
                            "person": (person or "").strip(),
                            "application": (application or "").strip(),
                            "status": "",
                            "error_code": "" if error_code is None else str(error_code).strip(),
                        }
                        if "\x00" in values["person"]:
                            result.error(
                                number,
                                "userPrincipalName",
                                "This value contains a NUL character (a zero byte), which cannot be stored.",
                            )
                            continue
                        yield number, values
            except duckdb.Error as error:
                # Without the name of the file on disk (a temporary or kept file's name means nothing to people).
                message = re.sub(r' in file "[^"]*"', "", str(error).splitlines()[0]).strip()
                if "maximum_object_size" in message:
                    message = f"one JSON object is larger than {MAX_OBJECT_BYTES // 1024 // 1024} MB, the most read"
                result.error(
                    None,
                    "",
                    f"The file cannot be read as an Entra sign-in log in JSON ({message}). Download the sign-in "
                    "log again as JSON or CSV from the Entra admin centre.",
                )
                return
    finally:
        if scratch is not None:
            scratch.close()
    if result.rows == 0 and not result.errors:
        result.error(None, "", "The file has no sign-ins.")
