"""Pages of the ledger, one module per part: persons, duplicates, visits, movements,
imports, exports, stats. URLs are in registry/urls.py."""
