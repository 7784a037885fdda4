"""GitHub's published signature test vector, and the ways a signature can be wrong."""

import json

from bot.signature import sign, verify
from tests.conftest import FIXTURES

VECTOR = json.loads((FIXTURES / "signature_vector.json").read_text())


def test_githubs_published_vector_signs_and_verifies():
    body = VECTOR["payload"].encode()
    assert sign(VECTOR["secret"], body) == VECTOR["expected_X-Hub-Signature-256"]
    assert verify(VECTOR["secret"], body, VECTOR["expected_X-Hub-Signature-256"])


def test_one_changed_byte_fails():
    assert not verify(VECTOR["secret"], b"Hello, World?", VECTOR["expected_X-Hub-Signature-256"])


def test_wrong_secret_fails():
    assert not verify("another secret", VECTOR["payload"].encode(), VECTOR["expected_X-Hub-Signature-256"])


def test_sha1_only_and_missing_signatures_are_refused():
    body = VECTOR["payload"].encode()
    assert not verify(VECTOR["secret"], body, VECTOR["derived_not_published"]["X-Hub-Signature_sha1"])
    assert not verify(VECTOR["secret"], body, None)
    assert not verify(VECTOR["secret"], body, "")
    assert not verify(VECTOR["secret"], body, "sha256=")


def test_non_ascii_header_does_not_crash():
    assert not verify(VECTOR["secret"], b"x", "sha256=\u00e6\u00f8\u00e5")
