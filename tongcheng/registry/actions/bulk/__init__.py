"""The bulk writes of a ledger import: persons, name keys, history and review pairs, written
with COPY (PostgreSQL) or executemany (SQLite) inside the one transaction of the import action
(actions.imports). They read the ledger through tongcheng.registry.ledger; only these modules
and the other actions write ledger rows.
"""
