"""What S3 checks of an object request that moto 5.2.5 does not: checksums, Content-MD5, the bucket's owner.

moto stores a PutObject or UploadPart body whatever checksum comes with it, and keeps the checksum only
when the SDK also names its algorithm in `x-amz-sdk-checksum-algorithm` (boto3 does not when the
caller passes `ChecksumSHA256=...` itself). S3 instead, before it stores anything:

- for a flexible checksum, `x-amz-checksum-{crc32,crc32c,crc64nvme,sha1,sha256}` as a header or as
  the aws-chunked trailer that `x-amz-trailer` announces: more than one is HTTP 400 `InvalidRequest`
  "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."; a value that
  is not the base64 of a digest of the algorithm's size is 400 `InvalidRequest` "Value for
  x-amz-checksum-sha256 header is invalid."; a value that differs from the body's is 400 `BadDigest`
  "The SHA256 you specified did not match the calculated checksum." The checksum of a stored object
  is answered by PutObject, and by GetObject and HeadObject with `ChecksumMode=ENABLED`;
- for `Content-MD5`: not the base64 of 16 bytes is 400 `InvalidDigest` "The Content-MD5 you specified
  was invalid."; a different MD5 is 400 `BadDigest` "The Content-MD5 you specified did not match what
  we received.";
- for `x-amz-expected-bucket-owner` on an object request: a bucket another account owns is 403
  `AccessDenied` "Access Denied" (and a value that is not an account id, 400 `InvalidArgument`).

`install()` wraps moto's S3Response methods once (sandbox.install); the rules are plain functions
(`checksum_error`, `owner_error`), tested directly and through the server.
"""

import base64
import binascii
import functools
import hashlib
import re

from moto.s3.exceptions import S3ClientError
from moto.s3.responses import S3Response

# Flexible checksum algorithms and the size of their digests in bytes.
DIGEST_SIZES = {"CRC32": 4, "CRC32C": 4, "CRC64NVME": 8, "SHA1": 20, "SHA256": 32}
CHECKSUM_HEADER = "x-amz-checksum-"
ACCOUNT_ID = re.compile(r"^\d{12}$")


class BadDigest(S3ClientError):
    code = "BadDigest"

    def __init__(self, message):
        super().__init__("BadDigest", message)


class InvalidDigest(S3ClientError):
    code = "InvalidDigest"

    def __init__(self):
        super().__init__("InvalidDigest", "The Content-MD5 you specified was invalid.")


class InvalidChecksumRequest(S3ClientError):
    code = "InvalidRequest"

    def __init__(self, message):
        super().__init__("InvalidRequest", message)


class OwnerAccessDenied(S3ClientError):
    code = "AccessDenied"

    def __init__(self):
        super().__init__("AccessDenied", "Access Denied")


class InvalidOwnerArgument(S3ClientError):
    code = "InvalidArgument"

    def __init__(self):
        super().__init__("InvalidArgument", "Invalid account id in x-amz-expected-bucket-owner header")


# --------------------------------------------------------------------------------------------------
# Checksums (the CRCs without optional libraries: moto falls back to CRC32 for CRC32C and CRC64NVME
# when crc32c or awscrt is missing, which would take a correct checksum for a wrong one)

def _reflected_table(polynomial, width):
    mask = (1 << width) - 1
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ polynomial if crc & 1 else crc >> 1
        table.append(crc & mask)
    return table


_CRC32C_TABLE = _reflected_table(0x82F63B78, 32)
_CRC64NVME_TABLE = _reflected_table(0x9A6C9329AC4BC9B5, 64)


def _reflected_crc(data, table, width):
    mask = (1 << width) - 1
    crc = mask
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ mask


def crc32c(data):
    try:
        import crc32c as library  # pylint: disable=import-outside-toplevel
        return library.crc32c(data)
    except ImportError:
        return _reflected_crc(data, _CRC32C_TABLE, 32)


def crc64nvme(data):
    try:
        from awscrt import checksums  # pylint: disable=import-outside-toplevel
        return checksums.crc64nvme(data)
    except ImportError:
        return _reflected_crc(data, _CRC64NVME_TABLE, 64)


def digest(algorithm, data):
    """The raw digest of `data` by a flexible checksum algorithm (CRC32, CRC32C, CRC64NVME, SHA1, SHA256)."""
    if algorithm == "SHA256":
        return hashlib.sha256(data).digest()
    if algorithm == "SHA1":
        return hashlib.sha1(data, usedforsecurity=False).digest()  # S3's algorithm
    if algorithm == "CRC32":
        return binascii.crc32(data).to_bytes(4, "big")
    if algorithm == "CRC32C":
        return crc32c(data).to_bytes(4, "big")
    if algorithm == "CRC64NVME":
        return crc64nvme(data).to_bytes(8, "big")
    raise ValueError(algorithm)


def _decode(value, size):
    """The bytes a base64 header value stands for, or None if it is not base64 of `size` bytes."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    try:
        decoded = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return decoded if len(decoded) == size else None


def trailer_checksums(headers, raw_body):
    """(ALGORITHM, value) of the checksums an aws-chunked body carries in its trailer."""
    announced = [name.strip().lower() for name in (headers.get("x-amz-trailer") or "").split(",") if name.strip()]
    found = []
    for name in announced:
        if not name.startswith(CHECKSUM_HEADER):
            continue
        match = re.search(re.escape(name.encode()) + rb":\s*([^\r\n]*)", raw_body or b"", re.IGNORECASE)
        found.append((name[len(CHECKSUM_HEADER):].upper(), match.group(1).decode("ascii", "replace") if match else ""))
    return found


def header_checksums(headers):
    """(ALGORITHM, value) of the x-amz-checksum-<algorithm> headers (x-amz-checksum-type and -mode are not checksums)."""
    found = []
    for name, value in headers.items():
        lowered = name.lower()
        if lowered.startswith(CHECKSUM_HEADER) and lowered[len(CHECKSUM_HEADER):].upper() in DIGEST_SIZES:
            found.append((lowered[len(CHECKSUM_HEADER):].upper(), value))
    return found


def checksum_error(headers, body, raw_body=None):
    """The S3ClientError S3 answers for this object body and its integrity headers, or None."""
    md5 = headers.get("Content-MD5")
    if md5 is not None:
        expected = _decode(md5, 16)
        if expected is None:
            return InvalidDigest()
        if hashlib.md5(body, usedforsecurity=False).digest() != expected:  # S3's Content-MD5
            return BadDigest("The Content-MD5 you specified did not match what we received.")
    checksums = header_checksums(headers) + trailer_checksums(headers, raw_body)
    if len(checksums) > 1:
        return InvalidChecksumRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
    for algorithm, value in checksums:
        expected = _decode(value, DIGEST_SIZES[algorithm])
        if expected is None:
            return InvalidChecksumRequest(f"Value for x-amz-checksum-{algorithm.lower()} header is invalid.")
        if digest(algorithm, body) != expected:
            return BadDigest(f"The {algorithm} you specified did not match the calculated checksum.")
    return None


def owner_error(headers, bucket_account_id):
    """The S3ClientError for an x-amz-expected-bucket-owner that is not the bucket's account, or None."""
    expected = headers.get("x-amz-expected-bucket-owner")
    if expected is None or bucket_account_id is None:
        return None
    if not ACCOUNT_ID.match(expected):
        return InvalidOwnerArgument()
    return OwnerAccessDenied() if expected != bucket_account_id else None


# --------------------------------------------------------------------------------------------------
# moto

def _verified(method):
    """Check the body before moto stores it: an error is raised (and answered) with nothing stored."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        error = checksum_error(self.headers, self.body or b"", self.raw_body)
        if error is not None:
            raise error
        return method(self, *args, **kwargs)

    wrapper.sandbox_s3_integrity = True
    return wrapper


def _owner_checked(method):
    @functools.wraps(method)
    def wrapper(self, request, full_url):
        try:
            bucket = self.backend.get_bucket(self.parse_bucket_name_from_url(request, full_url))
        except S3ClientError:
            bucket = None  # moto answers NoSuchBucket itself
        error = owner_error(request.headers, getattr(bucket, "account_id", None))
        if error is not None:
            raise error
        return method(self, request, full_url)

    wrapper.sandbox_s3_integrity = True
    return wrapper


def _get_checksum(original):
    """moto's, also for a checksum header sent without x-amz-sdk-checksum-algorithm (kept, and answered)."""

    @functools.wraps(original)
    def wrapper(self, response_headers):
        if not self.headers.get("x-amz-sdk-checksum-algorithm"):
            found = header_checksums(self.headers)
            if len(found) == 1:
                algorithm, value = found[0]
                value = value.decode("ascii") if isinstance(value, bytes) else value
                response_headers[f"{CHECKSUM_HEADER}{algorithm.lower()}"] = value
                return algorithm, value
        return original(self, response_headers)

    wrapper.sandbox_s3_integrity = True
    return wrapper


def install():
    if getattr(S3Response.put_object, "sandbox_s3_integrity", False):
        return
    S3Response.put_object = _verified(S3Response.put_object)
    S3Response.upload_part = _verified(S3Response.upload_part)
    S3Response._get_checksum = _get_checksum(S3Response._get_checksum)  # pylint: disable=protected-access
    S3Response._key_response = _owner_checked(S3Response._key_response)  # pylint: disable=protected-access
