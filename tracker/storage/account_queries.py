"""The store's queries about people rather than figures: the audit log and the web sessions behind the
sign-in cookie (tracker.web.routes). Written once with ``?`` like tracker.storage.queries, whose Store
they are part of (``self._rows``, ``self._run``, ``self._connection`` and ``self.dialect`` come from it)."""

from __future__ import annotations

import datetime as dt

from tracker.storage.records import AuditEntry, utc_naive


class AccountQueries:
    # --- audit log (issue 13) ------------------------------------------------------------------

    def _audit_on(self, cur, at: dt.datetime, username: str, event: str, detail: str = "") -> None:
        self._run(cur, "INSERT INTO audit_log (logged_at, username, event, detail) VALUES (?, ?, ?, ?)",
                  [at, username or "?", event, (detail or "")[:2000]])

    def audit(self, event: str, username: str, detail: str = "", *, now: dt.datetime | None = None) -> None:
        """One row of the audit log: who, when, what (see AUDIT_EVENTS)."""
        with self._connection(write=True) as cur:
            self._audit_on(cur, utc_naive(now), username, event, detail)

    def audit_log(self, limit: int = 200, username: str | None = None, events: list[str] | None = None) -> list[AuditEntry]:
        """Newest first."""
        where, params = [], []
        if username:
            where.append("username = ?")
            params.append(username)
        if events:
            where.append(self.dialect.in_list("event"))
            params.append(list(events))
        sql = ("SELECT id, logged_at, username, event, detail FROM audit_log" + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY id DESC LIMIT ?")
        return [AuditEntry(*row) for row in self._rows(sql, params + [int(limit)])]

    # --- web sessions (tracker.accounts.sessions: digests of tokens only; times in Unix seconds) ---------

    def add_web_session(self, session_id: str, bind_hash: str, bind_expires: float, username: str, epoch: int,
                        now: float, account: str = "") -> None:
        """A session waiting for its browser to spend the binding token; ``account`` is the account's
        random identity (a user name removed and created again is another account)."""
        self._rows("INSERT INTO web_sessions (id, token_hash, bind_hash, bind_expires, username, epoch, created_at, last_seen, "
                   "account) VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?)",
                   [session_id, bind_hash, bind_expires, username, int(epoch), now, now, account], write=True)

    def web_session_bindable(self, bind_hash: str, now: float) -> bool:
        """Whether a binding token is waiting and valid at ``now`` (a read: the route takes no sign-in)."""
        return bool(self._rows("SELECT id FROM web_sessions WHERE bind_hash = ? AND token_hash IS NULL AND bind_expires >= ?",
                               [bind_hash, now]))

    def end_web_sessions_of(self, username: str) -> int:
        """Drop every session of an account (it was removed); how many there were."""
        return len(self._rows("DELETE FROM web_sessions WHERE username = ? RETURNING id", [username], write=True))

    def bind_web_session(self, bind_hash: str, token_hash: str, now: float) -> bool:
        """Spend a binding token still valid at ``now`` for the session token; one statement checks and
        spends, so two requests with the same binding token cannot both get a session."""
        return bool(self._rows("UPDATE web_sessions SET token_hash = ?, bind_hash = NULL, bind_expires = NULL, last_seen = ? "
                               "WHERE bind_hash = ? AND token_hash IS NULL AND bind_expires >= ? RETURNING id",
                               [token_hash, now, bind_hash, now], write=True))

    def find_web_session(self, token_hash: str) -> tuple | None:
        """(id, username, epoch, created_at, last_seen, account) of the bound session with this token, or None."""
        rows = self._rows("SELECT id, username, epoch, created_at, last_seen, account FROM web_sessions "
                          "WHERE token_hash = ? AND bind_hash IS NULL", [token_hash])
        return rows[0] if rows else None

    def touch_web_session(self, session_id: str, now: float) -> bool:
        """Move last-seen forward (never back); False when the session is gone."""
        return bool(self._rows("UPDATE web_sessions SET last_seen = greatest(last_seen, ?) WHERE id = ? RETURNING id",
                               [now, session_id], write=True))

    def end_web_session(self, session_id: str | None = None, *, token_hash: str | None = None) -> None:
        if session_id:
            self._rows("DELETE FROM web_sessions WHERE id = ?", [session_id], write=True)
        if token_hash:
            self._rows("DELETE FROM web_sessions WHERE token_hash = ?", [token_hash], write=True)

    def purge_web_sessions(self, now: float, seen_before: float) -> None:
        """Drop unspent binding tokens past their time and sessions not seen since ``seen_before``."""
        self._rows("DELETE FROM web_sessions WHERE (token_hash IS NULL AND bind_expires < ?) OR last_seen < ?",
                   [now, seen_before], write=True)

    def web_session_count(self) -> int:
        return int(self._rows("SELECT count(*) FROM web_sessions")[0][0])
