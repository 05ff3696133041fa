"""Loopback servers for reproductions: copied next to each snippet as `fixdex_repro.py`.

A reproduction that needs a misbehaving service (a 404 from an API, a TLS
certificate nobody trusts, a port with nothing listening) gets one here,
on 127.0.0.1 only, so `fixdex verify` never sends traffic anywhere else.

This file runs inside arbitrary virtual environments: standard library only,
Python 3.8 syntax (no `X | Y` types, no match statements).
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
from collections.abc import Iterator

__all__ = ["closed_port", "serve_json", "serve_tls"]

_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that rejects our certificate or hangs up is the point of many
        # reproductions; a server traceback would only pollute the snippet's output.
        pass


def _make_handler(status: int, payload: bytes, headers: dict[str, str]) -> type:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    for method in _METHODS:
        setattr(Handler, f"do_{method}", Handler._answer)
    return Handler


@contextlib.contextmanager
def _running(server: http.server.HTTPServer) -> Iterator[None]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def serve_json(
    status: int, body: dict | list | str, headers: dict[str, str] | None = None
) -> Iterator[str]:
    """Answer every request (any method, any path) with `status` and `body`; yields the base URL.

    A dict or list body is sent as JSON; a str body is sent as it is, so a
    reproduction can also serve an HTML error page or an empty reply.
    """
    payload = (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
    sent = {"Content-Type": "application/json"}
    sent.update(headers or {})
    server = _Server(("127.0.0.1", 0), _make_handler(status, payload, sent))
    with _running(server):
        yield f"http://127.0.0.1:{server.server_address[1]}"


def _self_signed(folder: str) -> tuple[str, str]:
    """A certificate for 127.0.0.1 and localhost, and its key, written into `folder`.

    The openssl command line works in every venv; `cryptography` is the
    fallback when openssl is missing and the venv happens to have it. The
    extensions satisfy Python 3.13's VERIFY_X509_STRICT, so the certificate
    passed as cafile is accepted by every supported version.
    """
    cert = os.path.join(folder, "cert.pem")
    key = os.path.join(folder, "key.pem")
    openssl = shutil.which("openssl")
    if openssl:
        subprocess.run(
            [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
             "-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,digitalSignature,keyCertSign"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        return cert, key
    try:
        _write_with_cryptography(cert, key)
    except ImportError:
        raise RuntimeError(
            "fixdex_repro.serve_tls needs the openssl command or the cryptography package: "
            "install openssl, or add 'cryptography' to the reproduction's requirements"
        ) from None
    return cert, key


def _write_with_cryptography(cert_path: str, key_path: str) -> None:
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, False, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    with open(cert_path, "wb") as file:
        file.write(certificate.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as file:
        file.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                     serialization.NoEncryption()))


@contextlib.contextmanager
def serve_tls() -> Iterator[tuple[str, str]]:
    """An HTTPS server with a fresh self-signed certificate; yields (url, cafile).

    Clients that use the default trust store fail certificate verification
    (the broken case); clients given `cafile` succeed (the fixed case). Every
    request is answered with 200 and the body "ok".
    """
    folder = tempfile.mkdtemp(prefix="fixdex-tls-")
    try:
        cert, key = _self_signed(folder)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server = _Server(("127.0.0.1", 0), _make_handler(200, b"ok", {"Content-Type": "text/plain"}))
        # The handshake happens in the handler thread, so one failed client never stalls the server.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        with _running(server):
            yield f"https://127.0.0.1:{server.server_address[1]}", cert
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def closed_port() -> int:
    """A loopback port with nothing listening: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
