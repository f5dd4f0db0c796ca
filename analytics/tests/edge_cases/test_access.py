"""Every analytics route asks for credentials and answers the same with a trailing slash
(docs/api.md §5.5)."""

import pytest

from analytics.tests.edge_cases.helpers import ANALYTICS, ROUTES, buy, get_json

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ROUTES)
def test_every_route_requires_credentials(client, path):
    response = client.get(f"{ANALYTICS}{path}")

    assert response.status_code == 401
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize("path", ROUTES)
def test_every_route_answers_the_same_with_a_trailing_slash(api_client, path):
    buy("12.50")

    with_slash = api_client.get(f"{ANALYTICS}{path}/")

    assert with_slash.status_code == 200
    assert with_slash.json() == get_json(api_client, path)
