"""Re-exports of tracker.accounts while callers move (issue 18, step 4): accounts by job.

users.py (User, UserStore, password rules, ensure_admin, check_scope), signin.py (Throttle, sign_in,
change_own_password), permissions.py (Decision, may_*/can_*, visible_units, period_lock_state),
sessions.py (Session, resume_session, web-session tokens). New code imports from those modules; a
monkeypatch must target the module that defines the name, not this one.
"""

from tracker.accounts.permissions import (  # noqa: F401
    Decision,
    can_download_original,
    can_manage_users,
    can_see_names,
    can_upload,
    can_view,
    can_withdraw,
    home_units,
    may_see_pages,
    may_upload,
    period_lock_state,
    public_pages_setting,
    visible_units,
)
from tracker.accounts.sessions import (  # noqa: F401
    SIGNED_OUT_MESSAGES,
    Session,
    resume_session,
    signed_out_message,
    start_session,
)
from tracker.accounts.signin import (  # noqa: F401
    Audit,
    FailureLog,
    Gate,
    MemoryFailureLog,
    SignIn,
    Throttle,
    ThrottlePolicy,
    change_own_password,
    client_address,
    sign_in,
    throttle_keys,
)
from tracker.accounts.users import (  # noqa: F401
    ADMIN_USERNAME,
    DEFAULT_ROUNDS,
    MAX_PASSWORD_BYTES,
    MIN_PASSWORD_CHARS,
    ROLES,
    UNITS_REQUIRED,
    UNIT_ROLES,
    User,
    UserError,
    UserStore,
    _USERNAME,
    _dummy_hash,
    check_scope,
    ensure_admin,
    normalise_text,
    users_file_problem,
)
