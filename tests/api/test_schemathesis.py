"""Schemathesis (property-based calls generated from the live OpenAPI schema) against the API, as a staff token and
as a commune officer's token: no server error and no response outside the schema. Bounded (a few calls per
operation, about 200 per role, derandomized) so the normal suite stays fast."""
import pytest
import schemathesis
from urllib.parse import urlsplit

import requests
from django.test import Client
from hypothesis import HealthCheck, given, settings, strategies as st
from schemathesis.core.transport import Response
from schemathesis.checks import not_a_server_error, response_schema_conformance

EXAMPLES_PER_OPERATION = 5


def _call(case, headers):
    """The generated call through Django's test client (in the test's transaction, on SQLite and PostgreSQL: a bare
    WSGI call would close the test's PostgreSQL connection), its answer as Schemathesis' Response for the checks."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
    request = requests.Request(kwargs["method"], kwargs["url"], headers=kwargs.get("headers"),
                               params=kwargs.get("params"), json=kwargs.get("json"), data=kwargs.get("data"),
                               cookies=kwargs.get("cookies")).prepare()
    parts = urlsplit(request.url)
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in request.headers.items()
             if name.lower() not in ("content-type", "content-length")}
    answer = Client(raise_request_exception=False).generic(request.method, parts.path + ("?" + parts.query if parts.query else ""),
                              data=request.body or b"", content_type=request.headers.get("Content-Type", ""),
                              **extra)
    content = b"".join(answer.streaming_content) if answer.streaming else answer.content
    return Response(status_code=answer.status_code, headers={k.lower(): [v] for k, v in answer.headers.items()},
                    content=content, request=request, elapsed=0.0, verify=False, message=answer.reason_phrase,
                    encoding="utf-8")


@pytest.mark.parametrize("role", ["staff", "commune_officer"])
def test_the_api_answers_within_its_schema(world, api, tokens, role):
    response = api(role).get("/api/v1/schema/")
    assert response.status_code == 200
    schema = schemathesis.openapi.from_dict(response.json())
    headers = {"Authorization": f"Bearer {tokens[role]}"}
    calls = 0
    failures = []
    answered_ok = set()
    def check(operation):
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(data=st.data())
        def run(data):
            nonlocal calls
            case = data.draw(operation.as_strategy())
            answer = _call(case, headers)
            calls += 1
            if answer.status_code < 300:
                answered_ok.add(operation.path)
            try:
                case.validate_response(answer, checks=[not_a_server_error, response_schema_conformance])
            except Exception as exc:  # collect them all, then fail with the list
                failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:2000])

        run()

    for result in schema.get_all_operations():
        check(result.ok())
    assert not failures, "\n\n".join(failures[:10])
    assert 50 <= calls <= 600
    # The calls were answered, not all refused: every list at least once.
    assert {"/api/v1/projects/", "/api/v1/clusters/", "/api/v1/flags/", "/api/v1/capital-reports/"} <= answered_ok
