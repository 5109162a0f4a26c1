"""The words for the registry's audit action codes (registered by RegistryConfig.ready)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REGISTRY_ACTION_LABELS: dict[str, str | Promise] = {
    "person.view": _("Viewed file"),
    "person.list": _("Viewed file list"),
    "person.search": _("Searched files"),
    "person.create": _("Created file"),
    "person.update": _("Edited file"),
    "person.visit": _("Recorded visit"),
    "person.reveal": _("Showed full numbers"),
    "person.export": _("Exported ledger"),
    "person.import": _("Imported from a ledger"),
    "person.merge": _("Merged files"),
    "person.notice": _("Gave registration notice"),
    "person.transfer_request": _("Requested transfer"),
    "person.transfer_accept": _("Accepted transfer"),
    "person.transfer_decline": _("Declined transfer"),
    "person.transfer_cancel": _("Cancelled transfer"),
    "person.address_change": _("Changed address"),
    "person.moved_away": _("Recorded move out of the city"),
    "person.returned_home": _("Recorded return home"),
    "person.settled": _("Recorded settling"),
    "person.reactivated": _("Reactivated file"),
    "person.lookup_elsewhere": _("ID number found outside own area"),
    "person.lookup": _("Searched by ID number, phone or last 4 digits"),
    "ledger.lookup": _("Looked up the ID numbers of a ledger being checked"),
    "person.seed": _("Created demo file"),
    "household.update": _("Edited household"),
    "consent.give": _("Recorded consent"),
    "consent.withdraw": _("Recorded consent withdrawal"),
    "duplicate.dismiss": _("Dismissed possible duplicate"),
    "import.upload": _("Uploaded ledger for import"),
    "import.cancel": _("Cancelled import"),
    "import.sheet": _("Chose the sheet of a ledger import"),
    "import.rejected": _("Downloaded the rejected rows of a ledger import"),
    "import.erase": _("Deleted uploaded ledger file"),
    "ledger.seed": _("Loaded demo ledger"),
}

REGISTRY_OBJECT_LABELS: dict[str, str | Promise] = {
    "person": _("File"),
    "import": _("Ledger import"),
    "consent": _("Consent"),
    "duplicate": _("Possible duplicate"),
    "movement": _("Movement"),
}

# The reasons the registry writes into the trail, in words.
REGISTRY_REASON_LABELS: dict[str, str | Promise] = {
    "id number exists outside scope": _("The ID number is held by a file outside the area"),
    "daily look-up limit reached": _("Daily look-up limit reached"),
    "identified export needs the role": _("Full numbers need a role that may export them"),
}
