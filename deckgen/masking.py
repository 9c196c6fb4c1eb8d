"""Credentials masked out of any text deckgen shows: messages, logs, manifests, reports.

A source URL may carry a password (`postgresql://user:pw@host/db`, `https://user:pw@host/x`), a
token as its user (`https://TOKEN@host/x`) or a signature in its query string (a presigned S3 or
GCS URL, an Azure SAS). deckgen shows such a URL with `***` in their place, and sweeps every
message it prints for URLs of that shape, wherever they come from (a driver's error, say).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable

MASK = "***"
# `scheme://user:password@`: the password runs to the last `@` before white space, so a
# password holding an unescaped `@`, `/` or `:` is masked whole (masking too much is safe).
_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/?#@]*):\S*@")
# A query parameter whose name says it holds a secret (password, X-Amz-Signature, sig, token).
_SECRET_PARAMETER = re.compile(
    r"(?P<head>[?&;](?:[^=&#\s]*?)(?:pass|pwd|secret|token|signature|credential|sig|key|auth)"
    r"[^=&#\s]*=)[^&#\s'\"]*",
    re.IGNORECASE,
)


def mask_credentials(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every URL password and secret query value as `***`, and every string of
    `secrets` (a password a driver may quote on its own) too."""
    text = _PASSWORD.sub(rf"\g<head>:{MASK}@", text)
    text = _SECRET_PARAMETER.sub(rf"\g<head>{MASK}", text)
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def url_secrets(url: str, *, token_user: bool = True) -> tuple[str, ...]:
    """The secrets a URL carries, as written and percent-decoded: its password (with
    `token_user`, a user without a password too: `https://TOKEN@host`), and the values of its
    secret query parameters."""
    found: list[str] = []
    userinfo, at, _ = urllib.parse.urlsplit(url).netloc.rpartition("@")
    if at:
        user, colon, password = userinfo.partition(":")
        found += [password] if colon else [user] if token_user else []
    for match in _SECRET_PARAMETER.finditer(url):
        found.append(url[match.end("head") : match.end()])
    return tuple(
        dict.fromkeys(
            v for s in found if len(s) > 2 for v in (s, urllib.parse.unquote(s)) if len(v) > 2
        )
    )
