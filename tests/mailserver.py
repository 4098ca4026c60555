"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the mail tests, and its inbox."""

from __future__ import annotations

import contextlib
import email
import socket
import threading
from email import policy

from aiosmtpd.controller import Controller

DEADLINE = 10  # seconds: a bound on waiting for mails, never a pause


class Inbox:
    """An aiosmtpd handler that keeps the messages and lets a test wait for them."""

    def __init__(self, port: int | None = None):
        self.port = port
        self.envelopes = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        with self._arrived:
            self.envelopes.append(envelope)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = DEADLINE) -> list:
        """The first ``count`` envelopes, once they are all there (or fail at the deadline)."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.envelopes) >= count, timeout):
                raise AssertionError(f"{len(self.envelopes)} of {count} mails after {timeout} s")
            return list(self.envelopes)

    def messages(self, count: int | None = None) -> list[email.message.EmailMessage]:
        """The messages parsed (the wire's CRLF turned into newlines): those received so far,
        or the first ``count`` once they have all arrived."""
        envelopes = list(self.envelopes) if count is None else self.wait_for(count)
        return [email.message_from_bytes(e.content.replace(b"\r\n", b"\n"), policy=policy.default)
                for e in envelopes]

    def to(self, address: str, count: int):
        """The one message, among the first ``count``, whose envelope goes to ``address``."""
        envelopes = self.wait_for(count)
        [message] = [m for e, m in zip(envelopes, self.messages(count)) if address in e.rcpt_tos]
        return message


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def smtp_server(port: int):
    """A real SMTP server on 127.0.0.1:``port`` for the duration of the block; yields its inbox."""
    inbox = Inbox(port)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
