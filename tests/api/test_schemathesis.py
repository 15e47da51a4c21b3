"""Schemathesis (property-based calls generated from the live OpenAPI schema) against the API, as a staff token and
as a commune officer's token: no server error and no response outside the schema. Bounded (a few calls per
operation, about 200 per role, derandomized) so the normal suite stays fast."""
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, given, settings, strategies as st
from schemathesis.checks import not_a_server_error, response_schema_conformance

EXAMPLES_PER_OPERATION = 5


@pytest.mark.parametrize("role", ["staff", "commune_officer"])
def test_the_api_answers_within_its_schema(world, api, tokens, role):
    response = api(role).get("/api/v1/schema/")
    assert response.status_code == 200
    schema = schemathesis.openapi.from_dict(response.json())
    schema.app = WSGIHandler()
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
            answer = case.call(headers=headers)
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
