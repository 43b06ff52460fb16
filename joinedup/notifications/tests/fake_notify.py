"""
A fake GOV.UK Notify API on 127.0.0.1, speaking Notify's real protocol, for tests.

It checks the JWT bearer token as Notify does (HS256, signed with the API key's secret,
`iss` = the service id, `iat` within 30 seconds), validates requests, and answers with
Notify-shaped JSON and Notify's error format. Implemented: POST /v2/notifications/sms,
GET /v2/notifications/{id} and GET /v2/notifications (filtered by reference, template_type
and status).
"""

import json
import re
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt

TOKEN_LEEWAY_SECONDS = 30
UUID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def make_api_key(service_id: str, secret: str, name: str = "joinedup_test") -> str:
    """A Notify API key: `{key name}-{service id}-{secret}`."""
    return f"{name}-{service_id}-{secret}"


def _uk_mobile(number: str) -> str | None:
    """Notify's rule for UK mobiles: 07 and 9 more digits, after +44 / 0044 / 44 / spaces."""
    digits = re.sub(r"[\s()+.-]", "", number or "")
    for prefix in ("0044", "44"):
        if digits.startswith(prefix):
            digits = "0" + digits[len(prefix) :]
            break
    if not digits.startswith("0"):
        digits = "0" + digits
    if re.fullmatch(r"07\d{9}", digits):
        return "44" + digits[1:]
    return None


class FakeNotify:
    def __init__(self, *, service_id: str | None = None, secret: str | None = None, template_ids=()):
        self.service_id = service_id or str(uuid.uuid4())
        self.secret = secret or str(uuid.uuid4())
        self.api_key = make_api_key(self.service_id, self.secret)
        # Templates of type sms whose content is "((text))", as the platform expects.
        self.templates = {str(t): "((text))" for t in template_ids} or {str(uuid.uuid4()): "((text))"}
        self.notifications: dict[str, dict] = {}
        self.requests: list[dict] = []  # every request that reached the server, in order
        self.fail_with: int | None = None  # answer every request with this status (500, 429...)
        # Create the text, then answer 500: Notify has it but the caller never hears so.
        self.fail_after_accepting = False
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def template_id(self) -> str:
        return next(iter(self.templates))

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def set_status(self, notification_id: str, status: str):
        with self._lock:
            self.notifications[notification_id]["status"] = status
            if status in ("delivered", "permanent-failure", "temporary-failure", "technical-failure"):
                self.notifications[notification_id]["completed_at"] = _now()

    @property
    def sent(self) -> list[dict]:
        with self._lock:
            return list(self.notifications.values())

    # The HTTP side

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):  # noqa: A002 (the base class's name)
                pass

            def do_POST(self):  # noqa: N802 (http.server's name)
                fake._handle(self, "POST")

            def do_GET(self):  # noqa: N802
                fake._handle(self, "GET")

        return Handler

    def _handle(self, handler: BaseHTTPRequestHandler, method: str):
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        url = urlsplit(handler.path)
        record = {"method": method, "path": url.path, "query": parse_qs(url.query), "body": None}
        try:
            record["body"] = json.loads(raw) if raw else None
        except ValueError:
            record["body"] = raw
        with self._lock:
            self.requests.append(record)
        status, payload = self._route(handler, method, url, record["body"])
        body = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _route(self, handler, method, url, body):
        if self.fail_with is not None:
            return _error(self.fail_with, "Exception", "Internal server error")
        auth_error = self._check_token(handler.headers.get("Authorization", ""))
        if auth_error:
            return auth_error
        if method == "POST" and url.path == "/v2/notifications/sms":
            return self._post_sms(body)
        if method == "GET" and url.path == "/v2/notifications":
            return self._list(parse_qs(url.query))
        match = re.fullmatch(r"/v2/notifications/([^/]+)", url.path)
        if method == "GET" and match:
            return self._get(match.group(1))
        return _error(404, "NoResultFound", "No result found")

    def _check_token(self, header: str):
        """As notifications-api does: bearer token, iss = service id, HS256 with the secret, iat ±30 s."""
        if not header.startswith("Bearer "):
            return _error(401, "AuthError", "Unauthorized: authentication token must be provided")
        token = header[len("Bearer ") :].strip()
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
            algorithm = jwt.get_unverified_header(token).get("alg")
        except jwt.PyJWTError:
            return _error(403, "AuthError", "Invalid token: signature, api token not found")
        if "iss" not in unverified:
            return _error(403, "AuthError", "Invalid token: iss field not provided")
        if unverified["iss"] != self.service_id:
            return _error(403, "AuthError", "Invalid token: service not found")
        if algorithm != "HS256":
            return _error(403, "AuthError", "Invalid token: algorithm used is not HS256")
        try:
            claims = jwt.decode(
                token, key=self.secret, algorithms=["HS256"], options={"verify_iat": False, "verify_exp": False}
            )
        except jwt.PyJWTError:
            return _error(403, "AuthError", "Invalid token: signature, api token not found")
        if "iat" not in claims:
            return _error(403, "AuthError", "Invalid token: iat field not provided")
        now = int(time.time())
        if abs(now - int(claims["iat"])) > TOKEN_LEEWAY_SECONDS:
            return _error(403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds")
        return None

    def _post_sms(self, body):
        if not isinstance(body, dict):
            return _error(400, "BadRequestError", "Invalid JSON supplied in POST data")
        problems = []
        allowed = {"phone_number", "template_id", "personalisation", "reference", "sms_sender_id"}
        for name in sorted(set(body) - allowed):
            problems.append(("ValidationError", f"Additional properties are not allowed ({name} was unexpected)"))
        for name in ("phone_number", "template_id"):
            if name not in body:
                problems.append(("ValidationError", f"{name} is a required property"))
        template_id = body.get("template_id")
        if "template_id" in body and not (isinstance(template_id, str) and UUID_PATTERN.match(template_id)):
            problems.append(("ValidationError", "template_id is not a valid UUID"))
        personalisation = body.get("personalisation", {})
        if not isinstance(personalisation, dict):
            problems.append(("ValidationError", f"personalisation {personalisation} is not of type object"))
        reference = body.get("reference")
        if reference is not None and not isinstance(reference, str):
            problems.append(("ValidationError", "reference is not of type string"))
        sender = body.get("sms_sender_id")
        if sender is not None and not (isinstance(sender, str) and UUID_PATTERN.match(sender)):
            problems.append(("ValidationError", "sms_sender_id is not a valid UUID"))
        if problems:
            return _errors(400, problems)
        phone = body["phone_number"]
        normalised = _uk_mobile(phone) if isinstance(phone, str) else None
        if normalised is None:
            return _error(400, "ValidationError", "phone_number Not a UK mobile number")
        content = self.templates.get(template_id)
        if content is None:
            return _error(400, "BadRequestError", "Template not found")
        missing = sorted(set(re.findall(r"\(\(([^)]+)\)\)", content)) - set(personalisation))
        if missing:
            return _error(400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}")
        text = re.sub(r"\(\(([^)]+)\)\)", lambda m: str(personalisation[m.group(1)]), content)
        notification_id = str(uuid.uuid4())
        template = {
            "id": template_id,
            "version": 1,
            "uri": f"{self.base_url}/services/{self.service_id}/templates/{template_id}",
        }
        with self._lock:
            self.notifications[notification_id] = {
                "id": notification_id,
                "reference": reference,
                "phone_number": phone,
                "normalised_number": normalised,
                "type": "sms",
                "status": "created",
                "template": template,
                "body": text,
                "personalisation": personalisation,
                "created_at": _now(),
                "sent_at": None,
                "completed_at": None,
            }
        if self.fail_after_accepting:
            return _error(500, "Exception", "Internal server error")
        return 201, {
            "id": notification_id,
            "reference": reference,
            "content": {"body": text, "from_number": "GOVUK"},
            "uri": f"{self.base_url}/v2/notifications/{notification_id}",
            "template": template,
            "scheduled_for": None,
        }

    def _public(self, notification: dict) -> dict:
        return {
            "id": notification["id"],
            "reference": notification["reference"],
            "email_address": None,
            "phone_number": notification["phone_number"],
            "line_1": None,
            "postage": None,
            "type": "sms",
            "status": notification["status"],
            "template": notification["template"],
            "body": notification["body"],
            "subject": None,
            "created_at": notification["created_at"],
            "created_by_name": None,
            "sent_at": notification["sent_at"],
            "completed_at": notification["completed_at"],
            "scheduled_for": None,
            "one_click_unsubscribe_url": None,
        }

    def _get(self, notification_id: str):
        if not UUID_PATTERN.match(notification_id):
            return _error(400, "ValidationError", "notification_id is not a valid UUID")
        with self._lock:
            notification = self.notifications.get(notification_id)
        if notification is None:
            return _error(404, "NoResultFound", "No result found")
        return 200, self._public(notification)

    def _list(self, query: dict):
        with self._lock:
            found = list(self.notifications.values())
        if "reference" in query:
            found = [n for n in found if n["reference"] == query["reference"][0]]
        if "template_type" in query:
            found = [n for n in found if n["type"] == query["template_type"][0]]
        if "status" in query:
            found = [n for n in found if n["status"] in query["status"]]
        found.reverse()  # newest first, as Notify lists them
        return 200, {
            "notifications": [self._public(n) for n in found],
            "links": {"current": f"{self.base_url}/v2/notifications"},
        }


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _error(status: int, error: str, message: str):
    return _errors(status, [(error, message)])


def _errors(status: int, problems):
    return status, {"status_code": status, "errors": [{"error": e, "message": m} for e, m in problems]}
