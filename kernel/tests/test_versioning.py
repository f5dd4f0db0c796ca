"""The data version changes inside the writing transaction, at most once per transaction, and
again after anything has read it (kernel/versioning.py)."""

import pytest
from django.core.signals import request_finished, request_started
from django.db import transaction

from kernel.models import DataVersion
from kernel.summaries import summaries_brought_in_step, summaries_in_step
from kernel.versioning import data_changed, data_version

pytestmark = pytest.mark.django_db(transaction=True)


def stored_token() -> str:
    """The token as stored, read without counting as a reader of the version."""
    return DataVersion.objects.get(pk=1).token


def test_outside_a_transaction_every_change_writes_a_new_token():
    data_changed()
    first = stored_token()
    data_changed()
    assert stored_token() != first


def test_a_transaction_replaces_the_token_once_however_many_writes_it_makes():
    data_changed()
    before = stored_token()
    with transaction.atomic():
        data_changed()
        replaced = stored_token()
        data_changed()
        with transaction.atomic():  # a service calling another service
            data_changed()
        assert stored_token() == replaced
    assert replaced != before
    assert stored_token() == replaced


def test_the_next_transaction_replaces_it_again():
    with transaction.atomic():
        data_changed()
    first = stored_token()
    with transaction.atomic():
        data_changed()
    assert stored_token() != first


def test_a_read_between_two_writes_makes_the_second_replace_it_again():
    """A figure may have been cached under the token the first write gave."""
    with transaction.atomic():
        data_changed()
        read = data_version()
        data_changed()
        assert stored_token() != read


def test_a_rolled_back_transaction_leaves_the_token_and_the_next_one_replaces_it():
    data_changed()
    before = stored_token()
    with pytest.raises(RuntimeError), transaction.atomic():
        data_changed()
        raise RuntimeError
    assert stored_token() == before
    with transaction.atomic():
        data_changed()
    assert stored_token() != before


def test_a_write_after_a_rolled_back_savepoint_replaces_the_token_again():
    """The savepoint took its new token with it: the outer transaction still needs one."""
    data_changed()
    before = stored_token()
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            data_changed()
            raise RuntimeError
        assert stored_token() == before
        data_changed()
        assert stored_token() != before


@pytest.fixture
def in_a_request():
    request_started.send(sender=None)
    yield
    request_finished.send(sender=None)


def test_a_request_reads_the_token_once_until_it_writes(in_a_request, django_assert_num_queries):
    data_changed()
    with django_assert_num_queries(1):
        first, again = data_version(), data_version()
    assert again == first == stored_token()

    data_changed()  # this request's own write

    assert data_version() == stored_token() != first


def test_a_request_knows_from_the_same_read_whether_the_summaries_are_in_step(
    in_a_request, django_assert_num_queries
):
    data_changed()
    DataVersion.objects.filter(pk=1).update(summarised="an older token")
    with django_assert_num_queries(1):
        data_version()
        assert not summaries_in_step()

    rebuilds = []
    assert summaries_brought_in_step(lambda: rebuilds.append("rebuilt"))
    assert rebuilds == ["rebuilt"]
    with django_assert_num_queries(1):  # the mark changed the row: read again, once
        assert summaries_in_step()
        data_version()
        assert summaries_in_step()

    data_changed()  # this request's own write, around the summaries
    assert not summaries_in_step()


def test_another_process_s_write_is_seen_by_the_next_request():
    data_changed()
    request_started.send(sender=None)
    seen = data_version()
    DataVersion.objects.filter(pk=1).update(token="changed-elsewhere")
    assert data_version() == seen  # the same request keeps what it read
    request_finished.send(sender=None)

    request_started.send(sender=None)
    assert data_version() == "changed-elsewhere"
    request_finished.send(sender=None)
    # Outside a request (a command, the worker) every call reads it.
    DataVersion.objects.filter(pk=1).update(token="again")
    assert data_version() == "again"


def test_inside_a_transaction_a_request_reads_the_token_again(in_a_request):
    data_changed()
    data_version()
    with transaction.atomic():
        DataVersion.objects.filter(pk=1).update(token="in-this-transaction")
        assert data_version() == "in-this-transaction"
