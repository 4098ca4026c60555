"""Group commit: threads recording submissions at once share one durable commit.

Each thread has its own connection to the application's real database (a SQLite file,
then PostgreSQL: every test runs on both), as a request of the threaded server has. To make a batch form without relying on timing,
a first submission's hook holds its leader inside the transaction until the other
threads are queued (``group_commit.wait_until_queued``, a condition, not a poll).
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import multiprocessing
import os
import sqlite3
import threading

import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError

from builder.db import connect
from builder.storage import group_commit, submissions
from tables import rows, sql

pytestmark = pytest.mark.both_engines

WAIT = 30  # seconds: a safety net against a hang, never reached when things work
caller = contextvars.ContextVar("caller", default=None)


class Writers:
    """Threads recording into one database, each on its own connection, commits counted."""

    def __init__(self, path: str):
        self.path = path
        self.commits: list[int] = []   # thread ident of each COMMIT
        self.results: dict[str, object] = {}   # name -> Submission or the exception raised
        self.threads: list[threading.Thread] = []

    def connect(self, locked: bool = False):
        """A connection of this test's file; ``locked``: its BEGIN fails as when another holds the file."""
        db = connect(self.path)
        execute_sql = db.execute_sql

        def counted(text: str):
            if locked and text.startswith("BEGIN"):
                raise sqlite3.OperationalError("database is locked")
            result = execute_sql(text)
            if text == "COMMIT":
                self.commits.append(threading.get_ident())
            return result

        db.execute_sql = counted   # builder.db.transaction begins and commits through it
        return db

    def start(self, name: str, service_id: str | None, key: str, within=None, locked: bool = False) -> None:
        def run() -> None:
            caller.set(name)
            with contextlib.closing(self.connect(locked)) as db:
                try:
                    self.results[name] = submissions.record(db, service_id, {"nom": name}, key, within=within)
                except Exception as error:  # noqa: BLE001  (what this caller was told)
                    self.results[name] = error

        thread = threading.Thread(target=run, name=name)
        self.threads.append(thread)
        thread.start()

    def join(self) -> None:
        for thread in self.threads:
            thread.join(WAIT)
        assert not any(thread.is_alive() for thread in self.threads)

    def rows(self) -> dict[str, str]:
        """reference -> nom, read by a fresh connection: what is committed."""
        with contextlib.closing(connect(self.path)) as db:
            return {row["reference"]: json.loads(row["answers"])["nom"] for row in rows(db, "submissions")}


@pytest.fixture
def writers(app):
    return Writers(app.config["DATABASE"])


def held_batch(writers: Writers, queued: list[tuple]) -> None:
    """A first submission whose leader waits inside its transaction until ``queued`` wait, in order."""
    inside, release = threading.Event(), threading.Event()

    def hold(db, submission) -> None:
        inside.set()
        assert release.wait(WAIT)

    writers.start("first", "s", "first-key", within=hold)
    assert inside.wait(WAIT)
    with contextlib.closing(connect(writers.path)) as db:
        for number, arguments in enumerate(queued, start=1):
            writers.start(*arguments)
            assert group_commit.wait_until_queued(db, number, WAIT)  # in this order
    release.set()
    writers.join()


def test_threads_waiting_together_share_one_commit(writers):
    held_batch(writers, [(f"p{number}", "s", f"key-{number}") for number in range(12)])
    assert len(writers.commits) == 2  # the first alone, then the twelve that queued meanwhile
    references = {name: sent.reference for name, sent in writers.results.items()}
    assert len(set(references.values())) == 13
    assert writers.rows() == {reference: name for name, reference in references.items()}
    assert all(sent.created for sent in writers.results.values())


def test_many_threads_at_once_each_get_their_own_durable_row(writers):
    confirmed: dict[str, str] = {}

    def send(number: int) -> None:
        with contextlib.closing(writers.connect()) as db:
            for turn in range(10):
                name = f"t{number}-{turn}"
                sent = submissions.record(db, "s", {"nom": name}, f"key-{name}")
                with contextlib.closing(connect(writers.path)) as other:  # committed already
                    assert rows(other, "submissions", "reference = ?", [sent.reference])
                confirmed[name] = sent.reference

    threads = [threading.Thread(target=send, args=(number,)) for number in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert len(confirmed) == 160 and len(set(confirmed.values())) == 160
    assert writers.rows() == {reference: name for name, reference in confirmed.items()}
    assert len(writers.commits) <= 160


def test_the_same_key_from_several_threads_in_one_batch_gives_one_row(writers):
    held_batch(writers, [(f"double{number}", "s", "same-key") for number in range(5)])
    sent = [writers.results[f"double{number}"] for number in range(5)]
    assert len({submission.reference for submission in sent}) == 1
    assert [submission.created for submission in sent].count(True) == 1
    assert len(writers.rows()) == 2  # « first » and the one « same-key »


def test_the_same_key_across_batches_gives_the_same_reference(writers):
    held_batch(writers, [("again", "s", "first-key")])
    assert writers.results["again"].reference == writers.results["first"].reference
    assert not writers.results["again"].created
    assert len(writers.rows()) == 1


def test_a_failing_row_in_a_batch_fails_alone(writers):
    held_batch(writers, [("before", "s", "k1"), ("broken", None, "k2"), ("after", "s", "k3")])
    assert len(writers.commits) == 2
    assert isinstance(writers.results["broken"], IntegrityError)
    kept = writers.rows()
    assert sorted(kept.values()) == ["after", "before", "first"]


def test_hooks_run_in_their_callers_context_and_a_failing_one_loses_nothing(writers, caplog):
    seen = {}

    def queue_mail(db, submission) -> None:
        seen[submission.reference] = (caller.get(), threading.get_ident())
        sql(db, "INSERT INTO outbox (submission_id, sender, recipients, created_at, next_attempt_at)"
                " VALUES (?, 'a@b.c', '[]', 'x', 'x')", [submission.id])

    def broken(db, submission) -> None:
        queue_mail(db, submission)
        raise RuntimeError("mail composition failed")

    held_batch(writers, [("mail1", "s", "k1", queue_mail), ("bad", "s", "k2", broken),
                         ("mail2", "s", "k3", queue_mail)])
    assert len(writers.commits) == 2
    results = writers.results
    assert {name: seen[results[name].reference][0] for name in ("mail1", "bad", "mail2")} == \
        {"mail1": "mail1", "bad": "bad", "mail2": "mail2"}   # each hook saw its own caller's context
    assert len({seen[results[name].reference][1] for name in ("mail1", "bad", "mail2")}) == 1  # one leader
    assert sorted(writers.rows().values()) == ["bad", "first", "mail1", "mail2"]  # the submission is kept
    with contextlib.closing(connect(writers.path)) as db:
        mailed = {row["submission_id"] for row in rows(db, "outbox")}
    assert mailed == {results["mail1"].id, results["mail2"].id}  # the failing hook's mail is undone
    assert "mail composition failed" in caplog.text


def test_a_batch_that_cannot_begin_fails_every_writer_in_it(writers):
    # The first writer queued leads the next batch on its own connection, whose BEGIN fails.
    held_batch(writers, [("leader", "s", "k1", None, True), ("follower", "s", "k2")])
    assert isinstance(writers.results["leader"], sqlite3.OperationalError)
    assert isinstance(writers.results["follower"], sqlite3.OperationalError)  # not told « envoyé »
    assert sorted(writers.rows().values()) == ["first"]


def test_a_row_that_undoes_the_whole_transaction_fails_its_whole_batch(writers):
    def rollback(db, submission) -> None:
        db.execute_sql("ROLLBACK")

    held_batch(writers, [("before", "s", "k1"), ("undoing", "s", "k2", rollback)])
    assert isinstance(writers.results["before"], DBAPIError)  # the engine says it its own way
    assert isinstance(writers.results["undoing"], DBAPIError)
    assert sorted(writers.rows().values()) == ["first"]  # nobody was told « envoyé » for a lost row


def _send_from_a_process(path: str, keys: list[str], results) -> None:
    found: dict[str, str] = {}

    def send(key: str) -> None:
        with contextlib.closing(connect(path)) as db:
            found[key] = submissions.record(db, "s", {"nom": key}, key).reference

    threads = [threading.Thread(target=send, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    results.put(found)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_the_same_keys_from_two_processes_give_one_row_each(writers):
    context = multiprocessing.get_context("fork")
    keys, results = [f"key-{number}" for number in range(8)], context.Queue()
    processes = [context.Process(target=_send_from_a_process, args=(writers.path, keys, results))
                 for _ in range(2)]
    for process in processes:
        process.start()
    found = [results.get(timeout=WAIT) for _ in processes]
    for process in processes:
        process.join(WAIT)
    assert found[0] == found[1]
    assert len(writers.rows()) == 8


# -- Through the mini-site: the mail hooks of one batch each use their own request ---------

def variant(text: str) -> str:
    """rappel-benevole as another service, with its own title and confirmation."""
    return (text.replace("id: rappel-benevole", "id: rappel-bis", 1)
            .replace("title: Être rappelé·e par un·e bénévole", "title: Un second service", 1)
            .replace("Merci ! Votre demande est bien envoyée.", "Merci, le second service a votre demande.", 1))


def lead_held_before_begin(path: str):
    """A writer that takes the lead and waits before BEGIN (holding no lock) until released."""
    inside, release = threading.Event(), threading.Event()

    def run() -> None:
        with contextlib.closing(connect(path)) as db:
            execute_sql = db.execute_sql

            def held(text: str):
                if text.startswith("BEGIN"):
                    inside.set()
                    assert release.wait(WAIT)
                return execute_sql(text)

            db.execute_sql = held   # builder.db.transaction begins through it
            submissions.record(db, "s", {}, "holder")

    thread = threading.Thread(target=run)
    thread.start()
    assert inside.wait(WAIT)
    return thread, release


def test_mails_queued_in_one_batch_belong_to_their_own_request(app):
    from email import message_from_bytes, policy

    from builder.format.loader import load_service_text
    from builder.serving import EXAMPLES
    from builder.storage import services as published
    from test_site_journey import drive

    text = (EXAMPLES / "rappel-benevole.yaml").read_text(encoding="utf-8")
    path = app.config["DATABASE"]
    with contextlib.closing(connect(path)) as db:
        published.publish(db, "rappel-benevole", text)
        published.publish(db, "rappel-bis", variant(text))
    people = {}
    for service in (load_service_text(text), load_service_text(variant(text))):
        person = app.test_client()
        drive(person, service, service.personas[0].answers)
        people[service.id] = person

    holder, release = lead_held_before_begin(path)
    answers = {}

    def send(service_id: str) -> None:
        answers[service_id] = people[service_id].post(f"/s/{service_id}/envoyer", data={"copie": "oui"})

    senders = [threading.Thread(target=send, args=(service_id,)) for service_id in people]
    for thread in senders:
        thread.start()
    with contextlib.closing(connect(path)) as db:
        assert group_commit.wait_until_queued(db, 2, WAIT)  # both sends wait in one queue
    release.set()
    for thread in [holder, *senders]:
        thread.join(WAIT)
    assert all(answer.status_code == 303 for answer in answers.values())

    with contextlib.closing(connect(path)) as db:
        mails = [(row["submission_id"], message_from_bytes(row["message"], policy=policy.default))
                 for row in rows(db, "outbox", order_by="id")]
        sent = {service_id: submissions.get_by_reference(db, answers[service_id].headers["Location"][-11:])
                for service_id in people}
    expected = {"rappel-benevole": ("Être rappelé·e par un·e bénévole", "Votre demande est bien envoyée"),
                "rappel-bis": ("Un second service", "le second service a votre demande")}
    for service_id, (title, confirmation) in expected.items():
        own = [message for submission_id, message in mails if submission_id == sent[service_id].id]
        assert len(own) == 2  # the organisation's notice and the person's copy
        assert all(message["Subject"].endswith(title) for message in own)
        copy = next(message for message in own if message["Subject"].startswith("Votre demande"))
        assert confirmation in copy.get_content()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="flock is POSIX")
def test_leaders_of_every_process_take_turns_on_a_lock_file(writers, engine):
    """While a batch is written its leader holds ``<file>-writers``: another process's leader waits
    in the kernel, woken when the turn ends, instead of SQLite's busy handler sleeping."""
    import fcntl

    if engine != "sqlite":
        pytest.skip("a SQLite file's lock: PostgreSQL's writers need no turn")

    def other_process_may_write() -> bool:
        fd = os.open(writers.path + "-writers", os.O_RDWR | os.O_CREAT)   # a separate open file: as another process
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        finally:
            os.close(fd)   # closing it drops the lock if it was taken
        return True

    during = []
    with contextlib.closing(writers.connect()) as db:
        submissions.record(db, "s", {}, "k", within=lambda db, submission: during.append(other_process_may_write()))
    assert during == [False]
    assert other_process_may_write()
