"""The API fuzzed from its own OpenAPI description (schemathesis): no 5xx, answers as described.

Few examples per operation by default, so CI stays quick; set ``FUZZ_EXAMPLES`` (500,
say) to hunt further.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from .conftest import RunningServer, Team, bearer

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))


@pytest.fixture(scope="module")
def fuzz_token(server: RunningServer, engine: Any) -> str:
    return Team("fuzzers", engine).user()


def test_no_request_gets_a_server_error(server: RunningServer, fuzz_token: str) -> None:
    api = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    operations = [found.ok() for found in api.get_all_operations()]
    assert len(operations) >= 6

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        def call(case: Any) -> None:
            for headers in (bearer(fuzz_token), {}):
                # Every check but one: the server refuses some bodies the schema cannot
                # express (a value that is not JSON text, a NUL), with a 422 and a reason.
                response = case.call_and_validate(
                    headers=headers, excluded_checks=[positive_data_acceptance]
                )
                assert response.status_code < 500, (case.method, case.path, response.text[:300])
                if response.status_code >= 400:
                    assert response.json()["detail"]

        call()
