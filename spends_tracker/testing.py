"""Assertions shared by the API tests of every app."""


def assert_validation_error(response):
    """Assert a 422 whose `detail` is a non-empty list of errors, each with a readable `msg`."""
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, list)
    assert detail
    assert all(isinstance(error["msg"], str) and error["msg"] for error in detail)
