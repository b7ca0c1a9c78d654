"""Client addresses behind a reverse proxy: believed only from a trusted proxy, never from a client."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from config.middleware import TrustedProxyMiddleware


def seen(remote: str, forwarded: str | None, trusted: list[str]) -> str:
    request = RequestFactory().get(
        "/", REMOTE_ADDR=remote, **({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})
    )
    with override_settings(TRUSTED_PROXIES=trusted):
        TrustedProxyMiddleware(lambda r: HttpResponse())(request)
    return request.META["REMOTE_ADDR"]


def test_without_trusted_proxies_the_header_is_ignored():
    assert seen("203.0.113.7", "198.51.100.1", []) == "203.0.113.7"


def test_through_the_trusted_proxy_the_client_is_the_last_untrusted_hop():
    assert seen("127.0.0.1", "198.51.100.1", ["127.0.0.1"]) == "198.51.100.1"
    # two trusted proxies (a load balancer, then nginx)
    assert seen("10.0.0.2", "198.51.100.1, 10.0.0.9", ["10.0.0.0/8"]) == "198.51.100.1"


def test_a_client_cannot_choose_its_address():
    # the client wrote "1.2.3.4" itself; nginx appended the address it really came from
    assert seen("127.0.0.1", "1.2.3.4, 198.51.100.1", ["127.0.0.1"]) == "198.51.100.1"
    # a request straight to the app (not through the proxy) keeps its own address
    assert seen("203.0.113.7", "1.2.3.4", ["127.0.0.1"]) == "203.0.113.7"
    # garbage in the header never becomes the address
    assert seen("127.0.0.1", "not-an-ip", ["127.0.0.1"]) == "127.0.0.1"


def test_a_bad_setting_fails_at_start_with_its_name():
    with (
        override_settings(TRUSTED_PROXIES=["10.0.0.300"]),
        pytest.raises(ImproperlyConfigured, match="DJANGO_TRUSTED_PROXIES"),
    ):
        TrustedProxyMiddleware(lambda r: HttpResponse())


@pytest.mark.django_db
def test_behind_the_proxy_one_guesser_does_not_throttle_everyone(client, settings):
    """The progress query's throttle counts per client: another citizen behind the same proxy still gets in."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for _ in range(10):
        client.get(
            "/api/v1/track/",
            {"tracking_no": "JDZ-ZHUSHAN-2026-999999", "id_tail": "1234"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.1",
        )
    guesser = client.get(
        "/api/v1/track/",
        {"tracking_no": "JDZ-ZHUSHAN-2026-999999", "id_tail": "1234"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    other = client.get(
        "/api/v1/track/",
        {"tracking_no": "JDZ-ZHUSHAN-2026-999998", "id_tail": "1234"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )
    assert guesser.status_code == 429 and other.status_code == 404
