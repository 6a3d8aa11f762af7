"""The client's address: REMOTE_ADDR, or the one header the reverse proxy sets."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from yiwang.core.clients import client_address, client_network

rf = RequestFactory()


def test_without_a_proxy_the_address_is_the_connection_and_headers_are_ignored(settings):
    settings.YIWANG_CLIENT_IP_HEADER = ""
    request = rf.get(
        "/", REMOTE_ADDR="198.51.100.10", HTTP_X_FORWARDED_FOR="1.2.3.4", HTTP_X_REAL_IP="5.6.7.8"
    )

    assert client_address(request) == "198.51.100.10"


def test_behind_a_proxy_only_the_configured_header_counts(settings):
    settings.YIWANG_CLIENT_IP_HEADER = "X-Real-IP"
    request = rf.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )

    assert client_address(request) == "203.0.113.7"


def test_of_a_forwarded_chain_the_entry_our_proxy_appended_counts(settings):
    settings.YIWANG_CLIENT_IP_HEADER = "X-Forwarded-For"
    # the client claims 1.2.3.4; our proxy appends the address it saw
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")

    assert client_address(request) == "203.0.113.7"


@pytest.mark.parametrize("value", ["", "not-an-address", "203.0.113.7, junk"])
def test_a_missing_or_malformed_header_falls_back_to_the_connection(settings, value, caplog):
    settings.YIWANG_CLIENT_IP_HEADER = "X-Real-IP"
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP=value)

    assert client_address(request) == "10.0.0.2"
    assert "X-Real-IP missing or malformed" in caplog.text


def test_no_request_no_address():
    assert client_address(None) == ""


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("", ""),
    ],
)
def test_ipv6_addresses_count_by_their_64_bit_network(address, network):
    assert client_network(address) == network
