"""The attachment store on an S3-compatible server (moto's, started by the test), configured only
through STORAGES: the same API calls upload, share, download, check and release blobs."""

import hashlib

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from purchases.models import Blob
from purchases.services import blob_store_check
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db

BUCKET = "spends-attachments"
CREDENTIALS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


@pytest.fixture
def s3_bucket(s3_endpoint, settings):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "file_overwrite": False,
                **CREDENTIALS,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def upload(api_client, purchase, content: bytes, name="receipt.pdf"):
    return api_client.post(
        f"/api/files/{purchase.pk}/",
        {"file": SimpleUploadedFile(name, content), "file_type": "receipt"},
    )


def test_upload_share_download_and_release_on_s3(
    api_client, s3_bucket, django_capture_on_commit_callbacks
):
    content = b"%PDF-1.4 stored in an object store"
    digest = hashlib.sha256(content).hexdigest()
    key = f"{digest[:2]}/{digest[2:4]}/{digest}.pdf"
    first, second = PurchaseFactory(), PurchaseFactory()

    created = upload(api_client, first, content)
    shared = upload(api_client, second, content, name="copy.PDF")

    assert (created.status_code, shared.status_code) == (201, 201)
    assert keys(s3_bucket) == {key}
    assert Blob.objects.get().reference_count == 2
    download = api_client.get(f"/api/files/file/{created.json()['id']}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == "application/pdf"

    with django_capture_on_commit_callbacks(execute=True):
        api_client.delete(f"/api/files/{first.pk}/{created.json()['id']}/")
    assert keys(s3_bucket) == {key}
    with django_capture_on_commit_callbacks(execute=True):
        api_client.delete(f"/api/purchases/{second.pk}/")
    assert keys(s3_bucket) == set()
    assert not Blob.objects.exists()


def test_the_storage_check_reads_the_bucket(api_client, s3_bucket):
    purchase = PurchaseFactory()
    upload(api_client, purchase, b"%PDF-1.4 will be lost")
    orphan = f"ab/cd/{'ab' * 32}.jpg"
    s3_bucket.put_object(Bucket=BUCKET, Key=orphan, Body=b"left behind")
    lost = Blob.objects.get().name
    s3_bucket.delete_object(Bucket=BUCKET, Key=lost)

    report = blob_store_check(delete_orphans=True)

    assert (report.missing, report.orphans) == ([lost], [orphan])
    assert Blob.objects.get().missing
    assert keys(s3_bucket) == set()
