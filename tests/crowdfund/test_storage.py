"""Which storages the settings choose (crowdfund/storage.py): the local disk, or the bucket."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from crowdfund.storage import storages_setting
from tests.crowdfund.test_settings import _manage

BUCKET = {
    "S3_BUCKET": "foundation-files",
    "S3_ENDPOINT_URL": "https://s3.nl-ams.example.net",
    "S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "S3_SECRET_ACCESS_KEY": "example-secret",
    "S3_REGION": "nl-ams",
}
PRINT_BACKENDS = (
    "from django.conf import settings; "
    "print(*(settings.STORAGES[n]['BACKEND'] for n in ('default', 'private', 'reports')))"
)


def test_it_keeps_files_on_the_local_disk_without_a_bucket():
    chosen = storages_setting({}, debug=False)
    assert chosen["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert chosen["private"]["BACKEND"] == "crowdfund.storage.PrivateFileSystemStorage"
    assert chosen["reports"]["BACKEND"] == "crowdfund.storage.ReportFileSystemStorage"
    assert chosen["staticfiles"]["BACKEND"].startswith("whitenoise.")


def test_it_puts_photos_receipts_and_reports_under_their_own_paths_of_the_bucket():
    chosen = storages_setting(BUCKET, debug=False)
    options = {name: chosen[name]["OPTIONS"] for name in ("default", "private", "reports")}
    assert {name: o["location"] for name, o in options.items()} == {
        "default": "public",
        "private": "private",
        "reports": "private/reports",
    }
    assert chosen["default"]["BACKEND"] == "crowdfund.storage_s3.PublicS3Storage"
    assert chosen["private"]["BACKEND"] == chosen["reports"]["BACKEND"]
    assert chosen["private"]["BACKEND"] == "crowdfund.storage_s3.PrivateS3Storage"
    for o in options.values():
        assert o["bucket_name"] == "foundation-files"
        assert o["endpoint_url"] == "https://s3.nl-ams.example.net"
        assert (o["access_key"], o["secret_key"]) == ("AKIAEXAMPLE", "example-secret")
        assert o["region_name"] == "nl-ams"
        assert o["default_acl"] is None  # nothing is made world-readable
    # A photo or receipt never replaces another of the same name; a report version does.
    assert not options["default"]["file_overwrite"] and not options["private"]["file_overwrite"]
    assert options["reports"]["file_overwrite"]


def test_it_lets_the_machine_supply_aws_credentials():
    chosen = storages_setting({"S3_BUCKET": "foundation-files"}, debug=False)
    assert chosen["private"]["OPTIONS"]["access_key"] is None
    assert chosen["private"]["OPTIONS"]["endpoint_url"] is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({**BUCKET, "S3_BUCKET": ""}, "without S3_BUCKET"),
        ({"S3_REGION": "nl-ams"}, "S3_REGION set without S3_BUCKET"),
        ({**BUCKET, "S3_SECRET_ACCESS_KEY": ""}, "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY"),
        ({**BUCKET, "S3_ENDPOINT_URL": "s3.example.net"}, "S3_ENDPOINT_URL"),
    ],
)
def test_it_refuses_half_a_bucket(env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        storages_setting(env, debug=False)


def test_it_chooses_the_bucket_from_the_environment_at_start_up():
    result = _manage("shell", "-c", PRINT_BACKENDS, DEBUG="1", **BUCKET)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == [
        "crowdfund.storage_s3.PublicS3Storage",
        "crowdfund.storage_s3.PrivateS3Storage",
        "crowdfund.storage_s3.PrivateS3Storage",
    ]


def test_it_will_not_start_with_half_a_bucket():
    result = _manage("check", DEBUG="1", S3_ACCESS_KEY_ID="AKIAEXAMPLE")
    assert result.returncode != 0
    assert "S3_BUCKET" in result.stderr
