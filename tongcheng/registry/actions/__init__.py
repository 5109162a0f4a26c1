"""Every write of the ledger: keyword-only, typed functions named <entity>_<verb>, each atomic,
each writing its history line and audit event. Nothing outside this package writes ledger rows.
"""
