"""Pages of the org app: home, the area browser, member units, the leading group, accounts.

Every object a URL names is fetched through an access helper of `org.access` (404 out of scope,
403 read-only); the policy middleware has already checked the role before these run.
"""
