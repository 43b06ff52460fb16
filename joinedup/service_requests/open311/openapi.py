"""The OpenAPI 3 description of the Open311 endpoints, served at /open311/v2/openapi.json."""

from django.urls import reverse

from joinedup.service_requests.open311 import statuses

FORMAT = {
    "name": "format",
    "in": "path",
    "required": True,
    "description": "xml (required by the standard) or json (the Spark convention)",
    "schema": {"type": "string", "enum": ["xml", "json"]},
}
JURISDICTION = {
    "name": "jurisdiction_id",
    "in": "query",
    "required": True,
    "description": "The council: its ONS GSS code (like E07000136) or its host name. "
    "May be left out on a council's own host name.",
    "schema": {"type": "string"},
}


def _query(name, description, *, required=False, schema=None):
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _path(name, description):
    return {"name": name, "in": "path", "required": True, "description": description, "schema": {"type": "string"}}


def _errors(*codes):
    meanings = {
        "400": "A required argument is missing or an argument is not valid (every problem is listed)",
        "403": "The api_key is missing, wrong, revoked, or not allowed to do this for this council",
        "404": "No such resource or jurisdiction",
        "405": "The method is not allowed on this endpoint",
        "429": "Too many requests with this api_key in a minute",
    }
    return {
        code: {
            "description": meanings[code],
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Errors"}},
                "text/xml": {"schema": {"$ref": "#/components/schemas/Errors"}},
            },
        }
        for code in codes
    }


def _ok(description, schema_ref):
    schema = {"$ref": f"#/components/schemas/{schema_ref}"}
    return {
        "200": {
            "description": description,
            "content": {"application/json": {"schema": schema}, "text/xml": {"schema": schema}},
        }
    }


def _form(properties: dict, required: list[str]) -> dict:
    schema = {"type": "object", "properties": properties, "required": required}
    return {
        "required": True,
        "content": {"application/x-www-form-urlencoded": {"schema": schema}, "multipart/form-data": {"schema": schema}},
    }


STRING = {"type": "string"}
W3C = {"type": "string", "format": "date-time", "description": "W3C date-time with a time zone"}

CREATE_FIELDS = {
    "api_key": {**STRING, "description": "The client's key (required)"},
    "jurisdiction_id": {**STRING, "description": "The council's GSS code or host name"},
    "service_code": {**STRING, "description": "A service_code from services.xml"},
    "lat": {"type": "number", "description": "WGS84 latitude; send with long"},
    "long": {"type": "number", "description": "WGS84 longitude; send with lat"},
    "address_string": {
        **STRING,
        "description": ("Where, in words (a location is required: lat+long, this, or address_id)"),
    },
    "address_id": STRING,
    "attribute[code]": {
        **STRING,
        "description": ("The answer to a service's attribute; attribute[code][] for each of several values"),
    },
    "email": STRING,
    "first_name": STRING,
    "last_name": STRING,
    "phone": {**STRING, "description": "A UK mobile number"},
    "device_id": STRING,
    "deviceid": {**STRING, "description": "FixMyStreet's spelling of device_id"},
    "account_id": STRING,
    "description": {**STRING, "maxLength": 4000},
    "media_url": {"type": "array", "items": {**STRING, "format": "uri"}, "description": "Repeat for several photos"},
    "photo1": {**STRING, "format": "binary", "description": "An uploaded photo (photo1 to photo3; multipart)"},
}
UPDATE_FIELDS = {
    "api_key": {**STRING, "description": "The client's key (required; it needs the post_updates scope)"},
    "jurisdiction_id": STRING,
    "service_request_id": STRING,
    "update_id": {**STRING, "description": "The client's own id for the update; repeating it changes nothing"},
    "status": {"type": "string", "enum": sorted(statuses.INCOMING)},
    "updated_datetime": W3C,
    "description": {**STRING, "description": "The message to the resident (needed for UNCHANGED, CLOSED, CANCELLED)"},
    "referred_to": {**STRING, "description": "For NOT_COUNCILS_RESPONSIBILITY: who it was passed to"},
    "duplicate_of": {**STRING, "description": "For DUPLICATE: the service_request_id it duplicates (required then)"},
    "media_url": {"type": "array", "items": {**STRING, "format": "uri"}},
    "photo1": {**STRING, "format": "binary"},
}

SCHEMAS = {
    "Errors": {
        "type": "array",
        "description": "In XML: <errors><error><code/><description/></error></errors>",
        "items": {
            "type": "object",
            "required": ["code", "description"],
            "properties": {"code": {"type": "integer"}, "description": STRING},
        },
    },
    "Discovery": {
        "type": "object",
        "properties": {
            "changeset": W3C,
            "contact": STRING,
            "key_service": STRING,
            "endpoints": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "specification": STRING,
                        "url": STRING,
                        "changeset": W3C,
                        "type": {"type": "string", "enum": ["production", "test"]},
                        "formats": {"type": "array", "items": STRING},
                    },
                },
            },
        },
    },
    "Services": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["service_code", "service_name", "metadata", "type"],
            "properties": {
                "service_code": STRING,
                "service_name": STRING,
                "description": STRING,
                "metadata": {"type": "boolean"},
                "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
                "keywords": STRING,
                "group": STRING,
                "groups": {"type": "array", "items": STRING},
            },
        },
    },
    "ServiceDefinition": {
        "type": "object",
        "required": ["service_code", "attributes"],
        "properties": {
            "service_code": STRING,
            "attributes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["variable", "code", "datatype", "required", "order", "description"],
                    "properties": {
                        "variable": {"type": "boolean"},
                        "code": STRING,
                        "datatype": {
                            "type": "string",
                            "enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"],
                        },
                        "required": {"type": "boolean"},
                        "datatype_description": STRING,
                        "order": {"type": "integer", "minimum": 1},
                        "description": STRING,
                        "values": {
                            "type": "array",
                            "items": {"type": "object", "properties": {"key": STRING, "name": STRING}},
                        },
                    },
                },
            },
        },
    },
    "Created": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["service_request_id"],
            "properties": {
                "service_request_id": STRING,
                "token": STRING,
                "service_notice": STRING,
                "account_id": STRING,
            },
        },
    },
    "ServiceRequests": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["service_request_id", "status", "service_code", "requested_datetime"],
            "properties": {
                "service_request_id": STRING,
                "status": {"type": "string", "enum": ["open", "closed"]},
                "extended_status": {"type": "string", "enum": sorted(set(statuses.EXTENDED.values()))},
                "status_notes": STRING,
                "service_name": STRING,
                "service_code": STRING,
                "description": STRING,
                "agency_responsible": STRING,
                "service_notice": STRING,
                "requested_datetime": W3C,
                "updated_datetime": W3C,
                "expected_datetime": W3C,
                "address": STRING,
                "address_id": STRING,
                "zipcode": STRING,
                "lat": {"type": "number", "nullable": True},
                "long": {"type": "number", "nullable": True},
                "media_url": STRING,
            },
        },
    },
    "Updates": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["update_id", "service_request_id", "status", "updated_datetime", "description"],
            "properties": {
                "update_id": STRING,
                "service_request_id": STRING,
                "status": {
                    "type": "string",
                    "enum": sorted(set(statuses.EXTENDED.values()) | {statuses.UNCHANGED}),
                },
                "updated_datetime": W3C,
                "description": STRING,
                "media_url": STRING,
            },
        },
    },
    "UpdateCreated": {
        "type": "array",
        "items": {"type": "object", "required": ["update_id"], "properties": {"update_id": STRING}},
    },
}


def document(request) -> dict:
    base = reverse("open311:discovery", kwargs={"fmt": "xml"}).rsplit("/", 1)[0]
    window = [
        _query("start_date", "W3C date-time with a time zone; the window is at most 90 days", schema=W3C),
        _query("end_date", "W3C date-time with a time zone", schema=W3C),
    ]
    paging = [
        _query("page", "Page number, from 1 (extension)", schema={"type": "integer", "minimum": 1}),
        _query("page_size", "Results a page, at most 1,000", schema={"type": "integer", "minimum": 1, "maximum": 1000}),
    ]
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "JoinedUp Open311 GeoReport v2 (with the mySociety updates extension)",
            "version": "2",
            "description": "Report and track council service requests. See docs/open311.md.",
        },
        "servers": [{"url": request.build_absolute_uri(base)}],
        "paths": {
            "/discovery.{format}": {
                "get": {
                    "summary": "Where the endpoints are, and which formats they speak",
                    "parameters": [FORMAT],
                    "responses": {**_ok("The discovery document (an object)", "Discovery"), **_errors("404", "405")},
                }
            },
            "/services.{format}": {
                "get": {
                    "summary": "The council's services (kinds of problem)",
                    "parameters": [FORMAT, JURISDICTION],
                    "responses": {**_ok("The services", "Services"), **_errors("400", "404", "405")},
                }
            },
            "/services/{service_code}.{format}": {
                "get": {
                    "summary": "A service's extra questions (attributes)",
                    "parameters": [_path("service_code", "A service_code"), FORMAT, JURISDICTION],
                    "responses": {
                        **_ok("The service definition (an object)", "ServiceDefinition"),
                        **_errors("400", "404", "405"),
                    },
                }
            },
            "/requests.{format}": {
                "get": {
                    "summary": "Find requests (newest first; at most 1,000)",
                    "parameters": [
                        FORMAT,
                        JURISDICTION,
                        _query("service_request_id", "Comma-separated ids; overrides every other argument"),
                        _query("service_code", "Comma-separated service codes"),
                        _query("status", "open, closed, or open,closed"),
                        *window,
                        *paging,
                    ],
                    "responses": {**_ok("Requests", "ServiceRequests"), **_errors("400", "404", "405")},
                },
                "post": {
                    "summary": "Report a problem (needs an api_key with the create_requests scope)",
                    "parameters": [FORMAT],
                    "requestBody": _form(CREATE_FIELDS, ["api_key", "service_code"]),
                    "responses": {**_ok("The new request's id", "Created"), **_errors("400", "403", "404", "429")},
                },
            },
            "/requests/{service_request_id}.{format}": {
                "get": {
                    "summary": "One request, as a one-item list",
                    "parameters": [_path("service_request_id", "Like BDC-000123"), FORMAT, JURISDICTION],
                    "responses": {**_ok("The request", "ServiceRequests"), **_errors("400", "404", "405")},
                }
            },
            "/tokens/{token}.{format}": {
                "get": {
                    "summary": "The id of a request from the token given when it was made",
                    "parameters": [_path("token", "The token from POST requests"), FORMAT, JURISDICTION],
                    "responses": {**_ok("The id and token", "Created"), **_errors("400", "404", "405")},
                }
            },
            "/servicerequestupdates.{format}": {
                "get": {
                    "summary": "Public updates in a time window, oldest first (mySociety extension)",
                    "parameters": [
                        FORMAT,
                        JURISDICTION,
                        _query("api_key", "Accepted and ignored (may be empty): updates are public"),
                        *window,
                        *paging,
                    ],
                    "responses": {**_ok("Updates", "Updates"), **_errors("400", "404", "405")},
                },
                "post": {
                    "summary": "A back office changes a status or adds a message (needs the post_updates scope)",
                    "description": (
                        "An update whose updated_datetime is earlier than the request's latest status change "
                        "is recorded (its description published as a message) but does not change the status."
                    ),
                    "parameters": [FORMAT],
                    "requestBody": _form(
                        UPDATE_FIELDS, ["api_key", "service_request_id", "update_id", "status", "updated_datetime"]
                    ),
                    "responses": {
                        **_ok("Our id for the update", "UpdateCreated"),
                        **_errors("400", "403", "404", "429"),
                    },
                },
            },
        },
        "components": {"schemas": SCHEMAS},
    }
