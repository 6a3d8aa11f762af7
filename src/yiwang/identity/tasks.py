"""Background jobs of the identity app: the password-reset messages. They take ids.

Neither carries a secret in its arguments (task rows are stored in the
database): the link's token and the SMS code are made when the job runs.
"""

from __future__ import annotations

from django_tasks import task

from yiwang.identity import services


@task()
def password_reset_email_send(user_id: int, origin: str, language: str) -> str:
    """E-mail a password-reset link; see ``services.password_reset_email_deliver``."""
    return services.password_reset_email_deliver(user_id=user_id, origin=origin, language=language)


@task()
def password_reset_code_send(code_id: int, language: str) -> str:
    """Send a password-reset code by SMS; see ``services.password_reset_code_deliver``."""
    return services.password_reset_code_deliver(code_id=code_id, language=language)
