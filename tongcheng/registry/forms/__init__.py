"""Forms of the ledger pages and API: persons, visits, movements, ledger uploads and exports."""
