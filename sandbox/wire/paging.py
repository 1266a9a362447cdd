"""NextToken pagination with AWS's page-size limits.

Tokens are opaque to callers (base64 of an offset plus a fingerprint of the listing's filters), so a
token used with other filters is rejected as AWS does, with InvalidNextToken.
"""

import base64
import hashlib
import json

from sandbox.wire.errors import InvalidNextToken
from sandbox.wire.request_validation import validation_error


def _fingerprint(context):
    return hashlib.sha256(json.dumps(context, sort_keys=True, default=str).encode()).hexdigest()[:16]


def encode_token(offset, context):
    raw = json.dumps({"o": offset, "f": _fingerprint(context)}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_token(token, context):
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        offset = int(data["o"])
        fingerprint = data["f"]
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidNextToken("The specified token isn't valid.") from exc
    if fingerprint != _fingerprint(context) or offset < 0:
        raise InvalidNextToken("The specified token isn't valid.")
    return offset


def page_bounds(total, max_results, next_token, *, default, minimum, maximum, context=None):
    """(start, end, next_token or None) of the page a request asks for in a listing of `total` items:
    what `paginate` slices, for a listing that can take its page without building the whole list."""
    if max_results is None:
        max_results = default
    # For SSM the model validator has already bounded MaxResults; this check is the only one for the
    # services it does not validate (Resource Groups' ListGroupResources, sandbox.moto_fixes).
    if not minimum <= int(max_results) <= maximum:
        raise validation_error(max_results, "maxResults", f"have value between {minimum} and {maximum}")
    start = decode_token(next_token, context) if next_token else 0
    end = start + int(max_results)
    token = encode_token(end, context) if end < total else None
    return start, end, token


def paginate(items, max_results, next_token, *, default, minimum, maximum, context=None):
    """Return (page, next_token or None) for a list already filtered and in a stable order.

    `context` is whatever identifies the listing (filters, parent id); a token only works with the
    context it was issued for.
    """
    start, end, token = page_bounds(len(items), max_results, next_token, default=default, minimum=minimum,
                                    maximum=maximum, context=context)
    return items[start:end], token
