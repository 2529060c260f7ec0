"""Stateless OAI-PMH resumption tokens.

A token carries everything needed to go on with a list: the verb, the request's
``metadataPrefix``/``from``/``until``/``set``, the offset of the next record and the version
of the record list (``RecordIndex.version``) it was cut from. It is base64url-encoded JSON with
a checksum, so the server keeps no state and any server of the deployment can continue a
list. A token that does not decode, fails its checksum, or was cut from another version of
the list is refused (``badResumptionToken``): offsets into a list that has changed would
skip or repeat records.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass

_KEY = b"clustergraph OAI-PMH resumption token v1"  # a checksum, not a secret: a token hides nothing


class BadToken(ValueError):
    """The token is malformed, altered, or from another version of the list; ``str()`` says which."""


@dataclass(frozen=True)
class Continuation:
    verb: str
    version: str
    offset: int
    metadata_prefix: str
    from_: str | None = None
    until: str | None = None
    set_spec: str | None = None


def encode(state: Continuation) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(asdict(state), sort_keys=True, separators=(",", ":")).encode("utf-8"))
    payload_text = payload.decode("ascii").rstrip("=")
    return f"{payload_text}.{_checksum(payload_text)}"


def decode(token: str, *, verb: str, version: str) -> Continuation:
    """The state in ``token``; raises ``BadToken`` unless it is intact, for ``verb`` and for ``version``."""
    payload, _, checksum = token.partition(".")
    if not payload or not hmac.compare_digest(checksum.encode("ascii", "replace"), _checksum(payload).encode("ascii")):
        raise BadToken("the resumption token is not one this repository issued (or it was altered)")
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        state = Continuation(**json.loads(raw))
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as err:
        raise BadToken("the resumption token cannot be read") from err
    texts = (state.verb, state.version, state.metadata_prefix)
    optional = (state.from_, state.until, state.set_spec)
    if (type(state.offset) is not int or state.offset < 0 or not all(isinstance(t, str) for t in texts)
            or not all(t is None or isinstance(t, str) for t in optional)):
        raise BadToken("the resumption token cannot be read")
    if state.verb != verb:
        raise BadToken(f"the resumption token continues {state.verb}, not {verb}")
    if state.version != version:
        raise BadToken("the records changed since this list began (the resumption token has expired); "
                       "start the list again without a token")
    return state


def _checksum(payload: str) -> str:
    return hmac.new(_KEY, payload.encode("ascii", "replace"), hashlib.sha256).hexdigest()[:16]
