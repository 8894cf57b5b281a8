"""A local S3 for the storage tests: moto in server mode, on a free port of 127.0.0.1.

The app reaches it over HTTP through boto3 and django-storages, as it would a real bucket;
nothing is patched and nothing leaves the machine.
"""

from __future__ import annotations

import uuid

import boto3
from moto.server import ThreadedMotoServer

REGION = "eu-west-1"
ACCESS_KEY, SECRET_KEY = "test-access-key", "test-secret-key"


class LocalS3:
    def __init__(self):
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        self.client = boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def new_bucket(self) -> str:
        name = f"crowdfund-{uuid.uuid4().hex[:12]}"
        self.client.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        return name

    def env(self, bucket: str) -> dict[str, str]:
        """The app's S3_* variables for this bucket."""
        return {
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.url,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "S3_REGION": REGION,
        }

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, bucket: str, key: str) -> bytes:
        return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()

    def modified(self, bucket: str, key: str):
        return self.client.head_object(Bucket=bucket, Key=key)["LastModified"]

    def stop(self):
        self.server.stop()
