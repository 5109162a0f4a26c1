"""The engagement's REST API: representatives and talks (list, one, create), under the same
policy (POLICY "api:representative_*", "api:contact_*"), scope, masking, actions and audit as
the pages (docs/api.md, "Engagement")."""

from tongcheng.engagement.api.operations import router

__all__ = ["router"]
