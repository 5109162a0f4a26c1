"""The ledger's REST API: one router (collected by org.contributions) of the operations on person
files, their visits and their movements.

Same policy (POLICY "api:person_*"), scope, masking, validation and audit as the pages; each
module holds one part: persons.py, visits.py, movements.py, with the schemas in schemas.py and
what they share (locking, pages, form errors) in common.py.
"""

from ninja import Router

from tongcheng.registry.api import movements, persons, visits

router = Router()
for _part in (persons, visits, movements):
    router.add_router("", _part.router)
