"""Attachments of cases: documents and photos kept with a case, encrypted, opened only through
an access-checked and audited view.

- `rules`: the types taken (from the bytes), the limits, the check of one upload;
- `store`: the files under settings.ATTACHMENT_ROOT, written whole or not at all;
- `actions`: attaching, removing, and the sweep of files no attachment holds;
- `reads`: the case page's panel, and an attachment's clear bytes;
- `forms`, `views`: the panel's forms and pages; `demo`: the demo attachments.

The model is `cases.attachmentmodels.CaseAttachment`; the API is `cases.api.attachments`; who may
do what is `cases.access` (`may_act_on`, `attachment_remover`); the encryption is the cases'
codec (`cases.identifiers.seal_attachment`). docs/cases.md, "Attachments", says it all in words.
"""
