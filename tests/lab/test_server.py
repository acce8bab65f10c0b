"""How `kaibo lab` binds and what it serves: ports, addresses and the pages mounted."""

import socket

import pytest

from kaibo.errors import InputError, LabError
from kaibo.lab import path, server


@pytest.mark.parametrize(("text", "port"), [(None, None), ("8150", 8150), (" 1 ", 1), ("65535", 65535)])
def test_parse_port(text: str | None, port: int | None) -> None:
    assert server.parse_port(text) == port


@pytest.mark.parametrize("text", ["0", "65536", "-1", "abc", "", "80.5", "1e3"])
def test_parse_port_refuses(text: str) -> None:
    with pytest.raises(InputError) as error:
        server.parse_port(text)
    assert error.value.key == "error.port_invalid"
    assert text in error.value.message("en")


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.8.0.1", True), ("localhost", True), ("::1", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("example.org", False),
])
def test_is_loopback(host: str, loopback: bool) -> None:
    assert server.is_loopback(host) == loopback


def test_remote_address_needs_allow_remote() -> None:
    with pytest.raises(LabError) as error:
        server.check_host("0.0.0.0", allow_remote=False)
    assert "--allow-remote" in error.value.message("ja")
    assert server.check_host("0.0.0.0", allow_remote=True) is True
    assert server.check_host("127.0.0.1", allow_remote=False) is False


def test_a_taken_port_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(LabError) as error:
            server.bind("127.0.0.1", port)
        assert error.value.key == "error.port_taken"
        assert str(port) in error.value.message("ja")


def test_without_a_port_a_free_one_is_bound() -> None:
    first = server.bind("127.0.0.1", None)
    second = server.bind("127.0.0.1", None)  # the preferred port is taken now: any free one
    with first, second:
        assert first.getsockname()[1] != second.getsockname()[1]
        assert server.base_url(first).startswith("http://127.0.0.1:")


def test_an_unknown_address_is_a_clear_error() -> None:
    with pytest.raises(LabError) as error:
        server.bind("no-such-host.invalid", None)
    assert error.value.key == "error.host_unavailable"


def test_any_address_is_shown_as_this_computer() -> None:
    with server.bind("0.0.0.0", None) as sock:
        assert server.base_url(sock).startswith("http://127.0.0.1:")


def test_every_page_is_mounted_at_its_address() -> None:
    from starlette.routing import Mount

    app = server.build_app()
    mounted = {route.path for route in app.routes if isinstance(route, Mount)}
    assert mounted == {path.route(slug) for slug in path.pages()}
