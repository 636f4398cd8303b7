"""``kamdesk serve --certfile --keyfile``: the server speaks HTTPS itself, without a proxy."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kamdesk.ops.accounts import create_account
from kamdesk.server.auth import Role, add_user
from kamdesk.server.db import open_database
from tests.sync.books import new_device_book

from .conftest import RunningServer, server_environment


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class TlsServer(RunningServer):
    certfile: Path
    keyfile: Path

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def start(self) -> TlsServer:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kamdesk", "serve", "--db", self.db_url,
                 "--port", str(self.port), "--certfile", str(self.certfile),
                 "--keyfile", str(self.keyfile)],
                env=server_environment(self.home), stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )  # fmt: skip
        trust = ssl.create_default_context(cafile=str(self.certfile))
        for _ in range(600):
            try:
                if httpx.get(f"{self.url}/healthz", verify=trust).status_code == 200:
                    return self
            except httpx.TransportError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.log.read_text()) from None
                time.sleep(0.05)
        self.kill()
        raise RuntimeError("the server did not start")


def test_a_server_with_its_own_certificate_syncs_over_https(
    tmp_path: Path, empty_book_template: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    engine = open_database(db)
    token = add_user(engine, "alice", Role.REP, "east")
    engine.dispose()
    server = TlsServer(db, tmp_path, tmp_path / "server.log")
    server.certfile, server.keyfile = self_signed(tmp_path)
    try:
        server.start()
        with pytest.raises(httpx.TransportError):  # no plain HTTP on a TLS port
            httpx.get(f"http://127.0.0.1:{server.port}/healthz")
        book = tmp_path / "alice.kamdesk"
        with new_device_book(empty_book_template, book) as alice:
            create_account(alice, {"name": "华东制造集团", "currency": "CNY"})
        env = {**server_environment(tmp_path), "KAMDESK_SYNC_TOKEN": token}

        def sync(**more: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "kamdesk", "sync", "--book", str(book),
                 "--server", server.url],
                env={**env, **more}, capture_output=True, text=True, timeout=120,
                stdin=subprocess.DEVNULL,
            )  # fmt: skip

        untrusted = sync()
        assert untrusted.returncode == 1
        assert "does not answer" in untrusted.stderr and "CERTIFICATE" in untrusted.stderr.upper()
        trusted = sync(SSL_CERT_FILE=str(server.certfile))
        assert (trusted.returncode, trusted.stdout) == (0, "sent 1, received 0, conflicts 0\n")
    finally:
        server.stop()
