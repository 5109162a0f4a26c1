"""The ledger's Excel import and export: read → plan (dry run) → commit, and the export.

An import goes read (`read.read_ledger`: python-calamine reads the workbook through
tongcheng.lib.xlsx after its safety checks, the ledger's sheet and header row are found — a
two-row header read as one — and the rows that hold no person are set aside, each with its
reason: `layout`) →
plan (`plan.plan_import`: every row checked with `validation.validate_person`, the same checks
as the web form, then sorted into create / update / elsewhere) → commit (`commit.commit_import`:
every row checked again and written inside ONE transaction).

Rows go in chunks (`helpers.iter_outcomes`): a large ledger is checked, encrypted and hashed in
helper processes as well as in the importing process (`rows`), and each chunk is written as
soon as it is checked (`write`): persons (COPY on PostgreSQL, `cursor.executemany` on SQLite,
ids drawn per chunk), their name keys and their history rows; then the look-alike pairs
(`lookalikes`, one statement per import), the updates, the dashboard summary and one audit
event with the counts. The column values come from `columns.person_columns`, so an imported
file is stored exactly as a file created on the web. The commit re-checks the importer's scope
after writing; any error raises, and the transaction leaves 0 rows behind.

The plan sorts valid rows into:
- create: no file has this ID number (or the row has none);
- update: a file with this ID number is already in the community — its empty fields are
  filled and changed fields take the file's value (an empty cell never erases a value);
- elsewhere: a file with this ID number is in another community — the row is skipped and the
  report says only "exists elsewhere, request a transfer";
- the same ID number twice in the file: the later row is skipped when it is the same person
  entered twice (every field equal), else it is an error naming both rows.

A dry run that finds errors in some rows but not all leaves the choice to the user: correct the
file, or import the valid rows only (still one transaction; `actions.import_choices`), with the
rejected rows as a workbook with a 错误原因 column (`rejected`) to correct and upload again.

Rows to create that look like a file of the community or an earlier row (rules.look_alike_keys)
are counted in the plan as possible duplicates. The commit creates them and queues every such
pair — with files anywhere in the city, as a single create does — for duplicate review.

The import job (upload, dry run, commit in the request or in the background) is the state
machine of `registry.actions.imports`. The export (`export`) and the import template
(`template`) write .xlsx files with XlsxWriter.
"""
