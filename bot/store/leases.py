"""The `Leases` port in SQL: one row per lease, taken with a conditional update, so two
replicas on one database never both believe they hold it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, delete, insert, update
from sqlalchemy.exc import IntegrityError

from bot.store.tables import leases


class SqlLeases:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def hold(self, name: str, holder: str, *, now: datetime, until: datetime) -> bool:
        free_or_ours = (leases.c.name == name) & (
            (leases.c.holder == holder) | (leases.c.until < now)
        )
        taking = update(leases).where(free_or_ours).values(holder=holder, until=until)
        with self.engine.begin() as connection:
            if connection.execute(taking).rowcount == 1:
                return True
        try:  # no row yet: the first to insert it holds the lease
            with self.engine.begin() as connection:
                connection.execute(insert(leases).values(name=name, holder=holder, until=until))
        except IntegrityError:
            return False  # there is a row, and another holds it
        return True

    def release(self, name: str, holder: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                delete(leases).where((leases.c.name == name) & (leases.c.holder == holder))
            )
