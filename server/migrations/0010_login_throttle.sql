-- Login throttling and lockout, shared by every quartierd on this database
-- and kept across restarts.
--
-- One row per login name that failed recently, whether or not an account
-- has that login: an unknown login is counted, delayed and locked exactly
-- like a known one, so that neither the answers nor their timing tell
-- which logins exist.  Only failures are counted (qt_login_failed), never
-- attempts in progress: users logging in at once do not delay each other,
-- and a server killed during a login leaves no count behind.  A successful
-- login deletes the row.  What the counts mean (delays, when to lock) is
-- decided by the server (server/throttle.c) from its configuration; the
-- database only keeps them.
CREATE TABLE login_throttle (
    login           text PRIMARY KEY,       -- as given at login
    failures        integer NOT NULL,       -- attempts since the count (re)started, none of them successful
    last_attempt_at timestamptz NOT NULL,
    locked_at       timestamptz,            -- NULL: not locked
    locked_until    timestamptz             -- with locked_at: when the lock ends; NULL: when an admin lifts it
);
CREATE INDEX login_throttle_last_attempt_idx ON login_throttle (last_attempt_at);

-- Looks up the failures of p_login before its password is checked.
-- Failures more than p_window seconds old are forgotten (unless the login
-- is locked), and a lock whose time is over ends here.  Returns the
-- failures counted so far and whether the login is locked.
CREATE FUNCTION qt_login_attempt(p_login text, p_window integer,
                                 OUT failures integer, OUT locked boolean)
LANGUAGE sql AS $$
    WITH u AS (
        UPDATE login_throttle t SET
            failures = CASE
                WHEN t.locked_until <= now() THEN 0
                WHEN t.locked_at IS NULL
                     AND t.last_attempt_at < now() - make_interval(secs => p_window) THEN 0
                ELSE t.failures END,
            locked_at = CASE WHEN t.locked_until <= now() THEN NULL ELSE t.locked_at END,
            locked_until = CASE WHEN t.locked_until <= now() THEN NULL ELSE t.locked_until END
         WHERE t.login = p_login
        RETURNING t.failures, t.locked_at IS NOT NULL AS locked)
    SELECT coalesce((SELECT u.failures FROM u), 0), coalesce((SELECT u.locked FROM u), false)
$$;

-- Counts a failed attempt of p_login; with p_lock the login is locked now,
-- for p_lock_seconds (0: until an admin unlocks it).  Returns whether this
-- call locked it.  Called after every failed attempt, locking or not, so
-- that all failures cost the same.
CREATE FUNCTION qt_login_failed(p_login text, p_lock boolean, p_lock_seconds integer)
RETURNS boolean
LANGUAGE sql AS $$
    INSERT INTO login_throttle AS t (login, failures, last_attempt_at, locked_at, locked_until)
    VALUES (p_login, 1, now(), CASE WHEN p_lock THEN now() END,
            CASE WHEN p_lock AND p_lock_seconds > 0
                 THEN now() + make_interval(secs => p_lock_seconds) END)
    ON CONFLICT (login) DO UPDATE SET
        failures = t.failures + 1,
        last_attempt_at = now(),
        locked_at = CASE WHEN p_lock AND t.locked_at IS NULL THEN now() ELSE t.locked_at END,
        locked_until = CASE WHEN p_lock AND t.locked_at IS NULL
                            THEN CASE WHEN p_lock_seconds > 0
                                      THEN now() + make_interval(secs => p_lock_seconds) END
                            ELSE t.locked_until END
    -- now() is this transaction's start: a lock set here, not before.
    RETURNING p_lock AND t.locked_at = now()
$$;

-- Forgets what no longer matters: counts idle for longer than p_window
-- seconds that hold no lock (or a lock that is over), and rows of logins
-- no account has once idle for a day (their lock protects nothing; the
-- table must not fill up with invented names).  Returns the rows removed.
CREATE FUNCTION qt_login_throttle_prune(p_window integer) RETURNS bigint
LANGUAGE sql AS $$
    WITH d AS (
        DELETE FROM login_throttle t
         WHERE (t.last_attempt_at < now() - make_interval(secs => p_window)
                AND (t.locked_at IS NULL OR t.locked_until <= now()))
            OR (t.last_attempt_at < now() - interval '1 day'
                AND NOT EXISTS (SELECT 1 FROM account a WHERE a.login = t.login))
        RETURNING 1)
    SELECT count(*) FROM d
$$;
