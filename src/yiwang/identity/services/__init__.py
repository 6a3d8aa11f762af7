"""Every write of the identity app: one function per use case.

Roles (``roles``)
    roles_sync_groups, role_assign, role_revoke
Applicants (``applicants``)
    citizen_register, enterprise_register, enterprise_add_member,
    enterprise_member_update, enterprise_member_remove,
    citizen_account_register (a citizen's own sign-up)
Departments (``departments``)
    department_set_active (deactivate / reactivate)
Users (``users``)
    user_set_active (deactivate / reactivate an account)
Sign-in (``signin``, ``throttle``)
    signin_attempt (every password sign-in, throttled), signin_throttle_clear,
    throttles_purge (the scheduler)
Password reset (``password_reset``)
    password_reset_request_email, password_reset_request_sms,
    password_reset_email_deliver, password_reset_code_deliver (the tasks),
    password_reset_confirm_email, password_reset_confirm_sms,
    password_reset_codes_purge (the scheduler)

Each function is keyword-only, transactional and appends an audit entry with
``yiwang.core.audit.audit_record``. ``actor=None`` means the system (a
migration, a management command, the demo loader) and skips the permission
check. The functions live in the submodules; import them from here.
"""

from yiwang.identity.services.applicants import (
    RegistrationThrottled,
    citizen_account_register,
    citizen_register,
    enterprise_add_member,
    enterprise_member_errors,
    enterprise_member_remove,
    enterprise_member_update,
    enterprise_register,
)
from yiwang.identity.services.departments import department_set_active
from yiwang.identity.services.password_reset import (
    CODE_MAX_ATTEMPTS,
    ResetRefused,
    ResetThrottled,
    password_reset_code_deliver,
    password_reset_codes_purge,
    password_reset_confirm_email,
    password_reset_confirm_sms,
    password_reset_email_deliver,
    password_reset_lifetime,
    password_reset_request_email,
    password_reset_request_sms,
)
from yiwang.identity.services.roles import (
    ROLE_PERMISSIONS,
    STAFF_ROLES,
    Grant,
    RoleAssignmentError,
    applicant_role_ensure,
    role_assign,
    role_revoke,
    roles_sync_groups,
)
from yiwang.identity.services.signin import (
    signin_account_key,
    signin_attempt,
    signin_buckets,
    signin_throttle_clear,
)
from yiwang.identity.services.throttle import throttles_purge
from yiwang.identity.services.users import user_set_active

__all__ = [
    "CODE_MAX_ATTEMPTS",
    "ROLE_PERMISSIONS",
    "STAFF_ROLES",
    "Grant",
    "RegistrationThrottled",
    "ResetRefused",
    "ResetThrottled",
    "RoleAssignmentError",
    "applicant_role_ensure",
    "citizen_account_register",
    "citizen_register",
    "department_set_active",
    "enterprise_add_member",
    "enterprise_member_errors",
    "enterprise_member_remove",
    "enterprise_member_update",
    "enterprise_register",
    "password_reset_code_deliver",
    "password_reset_codes_purge",
    "password_reset_confirm_email",
    "password_reset_confirm_sms",
    "password_reset_email_deliver",
    "password_reset_lifetime",
    "password_reset_request_email",
    "password_reset_request_sms",
    "role_assign",
    "role_revoke",
    "roles_sync_groups",
    "signin_account_key",
    "signin_attempt",
    "signin_buckets",
    "signin_throttle_clear",
    "throttles_purge",
    "user_set_active",
]
