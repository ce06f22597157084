"""Accounts by job: users (the users file, password rules, roles' scope), signin (throttle, sign_in),
permissions (who may do what, as Decisions), sessions (a tab's session, web-session tokens), desk (account
changes, for the page and the CLI alike), audit (the audit log's labels and filters).

`from tracker.accounts import AccountDesk` (the module of before) keeps working.
"""

from tracker.accounts.desk import (  # noqa: F401
    AccountDesk,
    AccountResult,
    Audit,
    EndSessions,
    GENERATED_PASSWORD_BYTES,
    generate_password,
)
