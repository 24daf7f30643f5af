import sqlite3

import pytest
from django.db import connection


@pytest.fixture
def file_database(tmp_path):
    """Threads need a file for SQLite: an in-memory test database is copied to one for this test.

    Every thread's connection reads the same settings dict, so pointing its NAME at the
    copy moves them all; the in-memory connection is kept open and put back afterwards.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    path = tmp_path / "numbering-threads.sqlite3"
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    in_memory_name, in_memory = connection.settings_dict["NAME"], connection.connection
    connection.settings_dict["NAME"] = str(path)
    connection.connection = None
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = in_memory_name
        connection.connection = in_memory
