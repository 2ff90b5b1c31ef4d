-- Operations: word of account and session changes for every running
-- server.
--
-- A disable, a role change or a revoked session (logout, revoke-sessions,
-- account-disable on the host, an admin request on another instance)
-- notifies the channel quartier_account with the account's id.  Every
-- quartierd LISTENs on a connection of its own and checks its logged-in
-- connections of that account against the database (session_check.c), so
-- the change reaches connections on every instance sharing the database
-- within moments.  Account changes are rare; logins and requests notify
-- nothing, so no NOTIFY sits on the request path.

CREATE FUNCTION qt_account_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    acct bigint;
BEGIN
    IF TG_TABLE_NAME = 'session' THEN
        IF TG_OP = 'DELETE' THEN acct := OLD.account_id; ELSE acct := NEW.account_id; END IF;
    ELSE
        IF TG_OP = 'DELETE' THEN acct := OLD.id; ELSE acct := NEW.id; END IF;
    END IF;
    -- Identical notifications of one transaction are delivered once.
    PERFORM pg_notify('quartier_account', acct::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER account_notify AFTER UPDATE ON account
    FOR EACH ROW
    WHEN (OLD.disabled IS DISTINCT FROM NEW.disabled OR OLD.role IS DISTINCT FROM NEW.role
          OR OLD.office_id IS DISTINCT FROM NEW.office_id
          OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id
          OR OLD.district_id IS DISTINCT FROM NEW.district_id)
    EXECUTE FUNCTION qt_account_notify();
CREATE TRIGGER account_notify_delete AFTER DELETE ON account
    FOR EACH ROW EXECUTE FUNCTION qt_account_notify();
CREATE TRIGGER session_notify AFTER UPDATE OF revoked_at ON session
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION qt_account_notify();
CREATE TRIGGER session_notify_delete AFTER DELETE ON session
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL)
    EXECUTE FUNCTION qt_account_notify();
