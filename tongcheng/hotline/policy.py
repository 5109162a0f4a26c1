"""The hotline's policy entries."""

from tongcheng.lib.contributions import PUBLIC, PolicyEntries, everyone, only
from tongcheng.lib.roles import Role

OPERATORS = (Role.HOTLINE_OPERATOR,)
FOLLOW_UP_ROLES = (
    Role.HOTLINE_OPERATOR, Role.CITY_ADMIN, Role.DISTRICT_OFFICE, Role.STREET_OFFICER,
    Role.COMMUNITY_OFFICER,
)  # fmt: skip
POLICY: PolicyEntries = {
    # The platform's webhook: no account; every request is signed with the platform's secret
    # (hotline/signing.py), checked before anything else.
    "api:hotline_platform_event": PUBLIC,
    # The console: the operators' screen (the caller's files found by the number are masked).
    "hotline:console": only(*OPERATORS, personal=True),
    "hotline:call_list": only(*OPERATORS),
    "hotline:community_options": only(*FOLLOW_UP_ROLES),
    "hotline:intake": only(*OPERATORS, write=True),
    "hotline:follow_up_queue": only(*FOLLOW_UP_ROLES, Role.INSPECTOR, personal=True),
    # The call that tells a caller an approved new deadline (the queue's first part).
    "hotline:caller_told": only(*FOLLOW_UP_ROLES, write=True),
    # The knowledge base: policy answers, public knowledge; kept by the city office.
    "hotline:article_list": everyone(),
    "hotline:article_create": only(Role.CITY_ADMIN, write=True),
    "hotline:article_edit": only(Role.CITY_ADMIN, write=True),
    # 办理进度查询: no login; limited per address and audited (hotline/tracking.py).
    "hotline:track": PUBLIC,
}
