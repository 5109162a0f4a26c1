"""The cases' KPIs (三率 and the others): the summary kept by every move, its recount, the
dashboard's figures and their protection for aggregate-only readers. Definitions: docs/cases.md."""
