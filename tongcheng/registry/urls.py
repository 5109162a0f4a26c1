from django.urls import path

from tongcheng.registry.views import (
    duplicates,
    exports,
    imports,
    movements,
    persons,
    registration,
    stats,
    visits,
)

app_name = "registry"

urlpatterns = [
    # Files (persons.py)
    path("", persons.person_list, name="person_list"),
    path("new/", registration.person_create, name="person_create"),
    path("<int:pk>/", persons.person_detail, name="person_detail"),
    path("<int:pk>/edit/", persons.person_edit, name="person_edit"),
    path("<int:pk>/reveal/", persons.person_reveal, name="person_reveal"),
    path("<int:pk>/notice/", persons.person_notice, name="person_notice"),
    path("<int:pk>/household/", persons.household_edit, name="household_edit"),
    path("<int:pk>/consents/", persons.consent_add, name="consent_add"),
    path(
        "<int:pk>/consents/<int:consent_pk>/withdraw/",
        persons.consent_withdraw,
        name="consent_withdraw",
    ),
    # Duplicates (duplicates.py)
    path("duplicates/", duplicates.duplicate_list, name="duplicate_list"),
    path("duplicates/<int:pk>/", duplicates.duplicate_resolve, name="duplicate_resolve"),
    # Visits and 三必清 (visits.py)
    path("<int:pk>/visit/", visits.visit_create, name="visit_create"),
    path("visits/due/", visits.visits_due, name="visits_due"),
    path("completeness/", visits.completeness, name="completeness"),
    # Movements and transfers (movements.py)
    path("<int:pk>/move/", movements.movement_create, name="movement_create"),
    path("<int:pk>/transfer/", movements.transfer_request, name="transfer_request"),
    path("transfers/", movements.transfer_list, name="transfer_list"),
    path("transfers/<int:pk>/", movements.transfer_decide, name="transfer_decide"),
    # Excel import (imports.py)
    path("import/", imports.import_list, name="import_list"),
    path("import/template.xlsx", imports.import_template, name="import_template"),
    path("import/<int:pk>/", imports.import_detail, name="import_detail"),
    path("import/<int:pk>/commit/", imports.import_commit, name="import_commit"),
    path("import/<int:pk>/cancel/", imports.import_cancel, name="import_cancel"),
    path("import/<int:pk>/sheet/", imports.import_sheet, name="import_sheet"),
    path("import/<int:pk>/commit-valid/", imports.import_commit_valid, name="import_commit_valid"),
    path("import/<int:pk>/rejected.xlsx", imports.import_rejected, name="import_rejected"),
    # Export (exports.py)
    path("export/", exports.export_ledger, name="export"),
    # Statistics (stats.py)
    path("stats/", stats.registry_stats, name="stats"),
]
