"""S3's integrity checks in the sandbox: flexible checksums, Content-MD5 and the expected bucket owner.

A correct checksum is stored and answered (PutObject, GetObject and HeadObject with ChecksumMode
ENABLED); a wrong one is refused with S3's error and nothing is stored.
"""

import base64
import binascii
import hashlib
import io
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from sandbox.moto_fixes import s3_integrity

BUCKET = "integrity-checks"
BODY = b"Index,Instance ID\r\n1,i-0123456789abcdef0\r\n"


def b64(raw):
    return base64.b64encode(raw).decode()


def sha256_of(data):
    return b64(hashlib.sha256(data).digest())


@pytest.fixture
def s3(clean_sandbox):
    client = clean_sandbox.client("s3")
    client.create_bucket(Bucket=BUCKET)
    return client


def stored_keys(s3):
    return [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def refused(call, **kwargs):
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    response = excinfo.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]


# The algorithms ---------------------------------------------------------------------------------

def test_the_crcs_match_their_published_check_values():
    # The CRC catalogue's check value of each algorithm: its CRC of "123456789".
    assert int.from_bytes(s3_integrity.digest("CRC32", b"123456789"), "big") == 0xCBF43926
    assert int.from_bytes(s3_integrity.digest("CRC32C", b"123456789"), "big") == 0xE3069283
    assert int.from_bytes(s3_integrity.digest("CRC64NVME", b"123456789"), "big") == 0xAE8B14860A799888
    assert s3_integrity.digest("SHA1", b"abc").hex() == "a9993e364706816aba3e25717850c26c9cd0d89d"


def test_checksum_rules_without_the_server():
    good = {"x-amz-checksum-sha256": sha256_of(BODY)}
    assert s3_integrity.checksum_error(good, BODY) is None
    error = s3_integrity.checksum_error({"x-amz-checksum-sha256": sha256_of(b"other")}, BODY)
    assert (error.code, error.message) == ("BadDigest", "The SHA256 you specified did not match the calculated checksum.")
    error = s3_integrity.checksum_error({"x-amz-checksum-crc32": b64(b"\x00\x00\x00\x00")}, BODY)
    assert (error.code, error.message) == ("BadDigest", "The CRC32 you specified did not match the calculated checksum.")
    error = s3_integrity.checksum_error({"x-amz-checksum-sha256": b64(b"short")}, BODY)
    assert (error.code, error.message) == ("InvalidRequest", "Value for x-amz-checksum-sha256 header is invalid.")
    # x-amz-checksum-type and x-amz-checksum-mode are not checksums.
    assert s3_integrity.checksum_error({"x-amz-checksum-type": "FULL_OBJECT", **good}, BODY) is None


def test_a_trailer_checksum_is_read_from_the_chunked_body():
    crc = b64(binascii.crc32(BODY).to_bytes(4, "big"))
    raw = f"{len(BODY):x}\r\n".encode() + BODY + b"\r\n0\r\nx-amz-checksum-crc32:" + crc.encode() + b"\r\n\r\n"
    headers = {"x-amz-trailer": "x-amz-checksum-crc32"}
    assert s3_integrity.trailer_checksums(headers, raw) == [("CRC32", crc)]
    assert s3_integrity.checksum_error(headers, BODY, raw) is None
    assert s3_integrity.checksum_error(headers, b"changed in transit", raw).code == "BadDigest"


# Through the server -----------------------------------------------------------------------------

def test_a_correct_sha256_is_stored_and_answered(s3):
    checksum = sha256_of(BODY)
    put = s3.put_object(Bucket=BUCKET, Key="report.csv", Body=io.BytesIO(BODY), ChecksumSHA256=checksum)
    assert put["ChecksumSHA256"] == checksum
    head = s3.head_object(Bucket=BUCKET, Key="report.csv", ChecksumMode="ENABLED")
    got = s3.get_object(Bucket=BUCKET, Key="report.csv", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == got["ChecksumSHA256"] == checksum
    assert got["Body"].read() == BODY


def test_a_wrong_sha256_is_bad_digest_and_stores_nothing(s3):
    status, code, message = refused(s3.put_object, Bucket=BUCKET, Key="report.csv", Body=BODY, ChecksumSHA256=sha256_of(b"other"))
    assert (status, code, message) == (400, "BadDigest", "The SHA256 you specified did not match the calculated checksum.")
    assert stored_keys(s3) == []


def test_a_wrong_checksum_does_not_replace_the_object_there(s3):
    s3.put_object(Bucket=BUCKET, Key="report.csv", Body=BODY, ChecksumSHA256=sha256_of(BODY))
    refused(s3.put_object, Bucket=BUCKET, Key="report.csv", Body=b"half a rep", ChecksumSHA256=sha256_of(b"a whole report"))
    assert s3.get_object(Bucket=BUCKET, Key="report.csv")["Body"].read() == BODY


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "SHA1"])
def test_other_algorithms_are_checked_too(s3, algorithm):
    right = b64(s3_integrity.digest(algorithm, BODY))
    wrong = b64(s3_integrity.digest(algorithm, b"other"))
    put = s3.put_object(Bucket=BUCKET, Key="right", Body=BODY, **{f"Checksum{algorithm}": right})
    assert put[f"Checksum{algorithm}"] == right
    status, code, message = refused(s3.put_object, Bucket=BUCKET, Key="wrong", Body=BODY, **{f"Checksum{algorithm}": wrong})
    assert (status, code, message) == (400, "BadDigest", f"The {algorithm} you specified did not match the calculated checksum.")
    assert stored_keys(s3) == ["right"]


def test_an_invalid_checksum_value_is_invalid_request(s3):
    status, code, message = refused(s3.put_object, Bucket=BUCKET, Key="k", Body=BODY, ChecksumSHA256="not-a-checksum")
    assert (status, code, message) == (400, "InvalidRequest", "Value for x-amz-checksum-sha256 header is invalid.")
    assert stored_keys(s3) == []


def test_two_checksums_are_invalid_request(s3):
    status, code, message = refused(s3.put_object, Bucket=BUCKET, Key="k", Body=BODY, ChecksumSHA256=sha256_of(BODY),
                                    ChecksumCRC32=b64(binascii.crc32(BODY).to_bytes(4, "big")))
    assert (status, code) == (400, "InvalidRequest")
    assert message == "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."


def test_content_md5(s3):
    s3.put_object(Bucket=BUCKET, Key="right", Body=BODY, ContentMD5=b64(hashlib.md5(BODY).digest()))
    assert refused(s3.put_object, Bucket=BUCKET, Key="wrong", Body=BODY, ContentMD5=b64(hashlib.md5(b"x").digest())) == (
        400, "BadDigest", "The Content-MD5 you specified did not match what we received.")
    assert refused(s3.put_object, Bucket=BUCKET, Key="invalid", Body=BODY, ContentMD5="bm90IDE2IGJ5dGVz") == (
        400, "InvalidDigest", "The Content-MD5 you specified was invalid.")
    assert stored_keys(s3) == ["right"]


def test_the_sdk_s_own_checksum_still_passes(s3):
    # Without a checksum of the caller's, boto3 computes a CRC32 and names it in x-amz-sdk-checksum-algorithm.
    put = s3.put_object(Bucket=BUCKET, Key="plain", Body=BODY)
    assert put["ChecksumCRC32"] == b64(binascii.crc32(BODY).to_bytes(4, "big"))
    assert s3.get_object(Bucket=BUCKET, Key="plain", ChecksumMode="ENABLED")["ChecksumCRC32"] == put["ChecksumCRC32"]


def test_a_part_with_a_wrong_checksum_is_refused(s3):
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="big", ChecksumAlgorithm="SHA256")["UploadId"]
    status, code, _message = refused(s3.upload_part, Bucket=BUCKET, Key="big", UploadId=upload, PartNumber=1, Body=BODY,
                                     ChecksumSHA256=sha256_of(b"other"))
    assert (status, code) == (400, "BadDigest")
    assert s3.list_parts(Bucket=BUCKET, Key="big", UploadId=upload).get("Parts", []) == []
    part = s3.upload_part(Bucket=BUCKET, Key="big", UploadId=upload, PartNumber=1, Body=BODY, ChecksumSHA256=sha256_of(BODY))
    assert part["ChecksumSHA256"] == sha256_of(BODY)


def test_a_trailer_checksum_through_the_server(clean_sandbox, s3):
    """An aws-chunked upload with its checksum in the trailer (as SDKs stream over HTTPS)."""
    def put(key, checksum):
        raw = f"{len(BODY):x}\r\n".encode() + BODY + b"\r\n0\r\nx-amz-checksum-sha256:" + checksum.encode() + b"\r\n\r\n"
        request = urllib.request.Request(f"{clean_sandbox.endpoint}/{BUCKET}/{key}", data=raw, method="PUT", headers={
            # A content type, or urllib's default (a form) has the body parsed as form fields.
            "Content-Type": "application/octet-stream",
            "Content-Encoding": "aws-chunked", "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            "x-amz-trailer": "x-amz-checksum-sha256", "x-amz-sdk-checksum-algorithm": "SHA256",
            "x-amz-decoded-content-length": str(len(BODY)), "Content-Length": str(len(raw)),
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status

    assert put("trailed", sha256_of(BODY)) == 200
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        put("mangled", sha256_of(b"other"))
    assert excinfo.value.code == 400 and b"<Code>BadDigest</Code>" in excinfo.value.read()
    assert stored_keys(s3) == ["trailed"]
    assert s3.get_object(Bucket=BUCKET, Key="trailed")["Body"].read() == BODY


def test_expected_bucket_owner(s3):
    s3.put_object(Bucket=BUCKET, Key="mine", Body=BODY, ExpectedBucketOwner="123456789012")
    assert refused(s3.put_object, Bucket=BUCKET, Key="theirs", Body=BODY, ExpectedBucketOwner="210987654321") == (
        403, "AccessDenied", "Access Denied")
    assert stored_keys(s3) == ["mine"]
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=BUCKET, Key="mine", ExpectedBucketOwner="210987654321")
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied"
    assert s3.get_object(Bucket=BUCKET, Key="mine", ExpectedBucketOwner="123456789012")["Body"].read() == BODY
