"""The cases' REST API: one router (collected by org.contributions) of the operations on cases:
the list, one case, opening one (cases.py), one operation per move (moves.py) and a case's
attachments (attachments.py), with the schemas in schemas.py.

Same policy (POLICY "api:case_*"), scope, masking, forms, actions and audit as the case pages;
docs/api.md, "Cases", has an example of each kind of operation.
"""

from ninja import Router

from tongcheng.cases.api import attachments, cases, moves

router = Router()
for _part in (cases, moves, attachments):
    router.add_router("", _part.router)
