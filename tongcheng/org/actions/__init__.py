"""Every write of the org app, one named function each.

Each function is keyword-only and typed, takes the acting party as `actor=` (an account, or for a
management command a named `audit.services.Actor.system`), runs in one transaction and writes its
own audit event (codes and field names only, never a personal value). None takes an HTTP
request: the acting role, the client's address and the request id come from the context
variables of tongcheng.audit.services. Business rules are checked here, not in views or forms: a
rule broken raises ValidationError with a message the page shows as it is.

- `accounts`: accounts and memberships (the grant rules).
- `areas`: rollout stages and service points.
- `logins`: the login throttle and the login, logout and password events.
- `two_factor`: TOTP secrets and the use of a code's time step.
- `tokens`: API tokens.
- `demo`: the demo accounts (development only).
"""
