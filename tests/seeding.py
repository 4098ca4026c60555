"""People to seed a test database with: an organisation, its owner and a reader."""

from __future__ import annotations

from builder.storage import accounts
from builder.storage.accounts import READER, Organisation, User
from builder.storage.database import Database

PASSWORD = "une phrase assez longue"


def owner_and_reader(db: Database) -> tuple[User, User, accounts.Organisation]:
    """Olga, owner of « Mission locale », and Rita, a reader there (password :data:`PASSWORD`)."""
    olga = accounts.create_user(db, "olga@example.org", "Olga", PASSWORD)
    rita = accounts.create_user(db, "rita@example.org", "Rita", PASSWORD)
    org: Organisation = accounts.create_organisation(db, "Mission locale", olga.id)
    accounts.add_member(db, org.id, rita.id, READER)
    return olga, rita, org
