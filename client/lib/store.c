/* The store: one SQLite file per server and account holding the replica
 * (records by type and id), the feed position it corresponds to (or the
 * position of a snapshot in progress) and the outbox.  Every change of
 * the replica is one transaction together with its position; the file is
 * in WAL mode with synchronous=FULL, so a commit has reached the disk when
 * it returns and a process killed at any moment leaves the last committed
 * page and its cursor, never one without the other. */
#include "store.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#define STORE_SCHEMA_VERSION 1
#define STORE_BUSY_MS 10000

/* The schema.  replica has exactly one row.  Cursor parts are stored as
 * integers (two's complement for values above 2^63). */
static const char store_schema[] =
	"CREATE TABLE IF NOT EXISTS replica ("
	"  one INTEGER PRIMARY KEY CHECK (one = 1),"
	"  schema_version INTEGER NOT NULL,"
	"  instance_id TEXT,"
	"  scope_kind INTEGER NOT NULL DEFAULT 0,"
	"  scope_id INTEGER NOT NULL DEFAULT 0,"
	"  epoch TEXT, xid INTEGER, seq INTEGER,"
	"  snap_epoch TEXT, snap_xid INTEGER, snap_seq INTEGER,"
	"  snap_after_type INTEGER, snap_after_id INTEGER,"
	"  last_sync INTEGER NOT NULL DEFAULT 0,"
	"  next_seq INTEGER NOT NULL DEFAULT 1);"
	"INSERT OR IGNORE INTO replica (one, schema_version) VALUES (1, 1);"
	"CREATE TABLE IF NOT EXISTS records ("
	"  type INTEGER NOT NULL, id INTEGER NOT NULL, body BLOB NOT NULL,"
	"  PRIMARY KEY (type, id)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS outbox ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  seq INTEGER NOT NULL UNIQUE,"
	"  instance_id TEXT NOT NULL,"
	"  state INTEGER NOT NULL,"
	"  request_type TEXT NOT NULL,"
	"  target_type INTEGER NOT NULL DEFAULT 0,"
	"  target_id INTEGER NOT NULL DEFAULT 0,"
	"  expected_version INTEGER NOT NULL DEFAULT -1,"
	"  request BLOB NOT NULL,"
	"  queued_at INTEGER NOT NULL,"
	"  sent_at INTEGER NOT NULL DEFAULT 0,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  cursor TEXT,"
	"  error_status INTEGER NOT NULL DEFAULT 0,"
	"  error_message TEXT, error_field TEXT);";

/* ------------------------------------------------------------ errors */

qt_status_t store_error(qt_store_t *s, qt_status_t st, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n >= 0 && (msg = malloc((size_t)n + 1)) != NULL) {
		va_start(ap, fmt);
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	free(s->err_message);
	s->err_message = msg;
	s->err.status = st;
	s->err.message = msg != NULL ? msg : qt_status_str(st);
	s->err.field = NULL;
	s->err.retryable = qt_status_retryable(st);
	return st;
}

/* Translates an SQLite failure once: a full disk or a locked file is
 * worth retrying, anything else is reported as an I/O failure of the
 * store. */
static qt_status_t store_sql_error(qt_store_t *s, const char *what)
{
	int e = sqlite3_errcode(s->db);
	qt_status_t st = (e == SQLITE_NOMEM) ? QT_NOMEM : QT_IO;

	return store_error(s, st, "replica %s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

qt_status_t store_error_to_client(qt_client_t *c, qt_store_t *s)
{
	return client_error(c, s->err.status, NULL, "%s", s->err.message);
}

static void store_begin(qt_store_t *s)
{
	assert(s != NULL && s->magic == STORE_MAGIC);
	free(s->err_message);
	s->err_message = NULL;
	s->err.status = QT_OK;
	s->err.message = qt_status_str(QT_OK);
	s->err.field = NULL;
	s->err.retryable = 0;
}

const qt_error_t *qt_store_last_error(const qt_store_t *s)
{
	assert(s != NULL && s->magic == STORE_MAGIC);
	return &s->err;
}

/* Runs sql (no results); records the error. */
static qt_status_t store_exec(qt_store_t *s, const char *sql)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_sql_error(s, sql);
	return QT_OK;
}

static qt_status_t store_prepare(qt_store_t *s, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return store_sql_error(s, "prepare");
	return QT_OK;
}

/* BEGIN IMMEDIATE: takes the write lock now, so that two processes on one
 * file wait for each other at the start instead of failing half way. */
static qt_status_t store_tx_begin(qt_store_t *s)
{
	return store_exec(s, "BEGIN IMMEDIATE");
}

static qt_status_t store_tx_end(qt_store_t *s, qt_status_t rc)
{
	if (rc == QT_OK)
		return store_exec(s, "COMMIT");
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* ------------------------------------------------------------ cursors */

void store_cursor_clear(store_cursor_t *cur)
{
	free(cur->epoch);
	memset(cur, 0, sizeof(*cur));
}

qt_status_t store_cursor_from_wire(const Quartier__V1__Cursor *w, store_cursor_t *out)
{
	store_cursor_clear(out);
	if (w == NULL)
		return QT_OK;
	out->epoch = strdup(w->epoch != NULL ? w->epoch : "");
	if (out->epoch == NULL)
		return QT_NOMEM;
	out->xid = w->xid;
	out->seq = w->seq;
	out->set = 1;
	return QT_OK;
}

const char *store_cursor_text(const store_cursor_t *cur, char *buf, size_t len)
{
	if (!cur->set)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%s/%llu/%llu", cur->epoch, (unsigned long long)cur->xid,
		         (unsigned long long)cur->seq);
	return buf;
}

int store_cursor_cmp(const store_cursor_t *a, const store_cursor_t *b)
{
	if (!a->set || !b->set)
		return a->set - b->set;
	if (strcmp(a->epoch, b->epoch) != 0)
		return 1;
	if (a->xid != b->xid)
		return a->xid < b->xid ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}

/* Splits "epoch/xid/seq" (the epoch may itself hold slashes). */
static int store_cursor_parse(const char *s, const char **epoch_end, uint64_t *xid,
                              uint64_t *seq)
{
	const char *p2 = strrchr(s, '/'), *p1;
	char *end;

	if (p2 == NULL || p2 == s)
		return -1;
	for (p1 = p2 - 1; p1 > s && *p1 != '/'; p1--)
		;
	if (*p1 != '/')
		return -1;
	errno = 0;
	*xid = strtoull(p1 + 1, &end, 10);
	if (errno != 0 || end != p2)
		return -1;
	*seq = strtoull(p2 + 1, &end, 10);
	if (errno != 0 || *end != '\0' || end == p2 + 1)
		return -1;
	*epoch_end = p1;
	return 0;
}

int qt_cursor_cmp(const char *a, const char *b)
{
	const char *ea, *eb;
	uint64_t xa, sa, xb, sb;

	if (store_cursor_parse(a, &ea, &xa, &sa) != 0 || store_cursor_parse(b, &eb, &xb, &sb) != 0 ||
	    ea - a != eb - b || memcmp(a, b, (size_t)(ea - a)) != 0)
		return strcmp(a, b);
	if (xa != xb)
		return xa < xb ? -1 : 1;
	if (sa != sb)
		return sa < sb ? -1 : 1;
	return 0;
}

/* ------------------------------------------------------------ names */

static const char *const store_type_names[] = {
	[QT_RECORD_DISTRICT] = "district",
	[QT_RECORD_QUARTER] = "quarter",
	[QT_RECORD_OFFICE] = "office",
	[QT_RECORD_ORGANISATION] = "organisation",
	[QT_RECORD_PROJECT] = "project",
	[QT_RECORD_PERSON] = "person",
	[QT_RECORD_MEMBERSHIP] = "membership",
	[QT_RECORD_FUND] = "fund",
	[QT_RECORD_FUND_ENTRY] = "fund_entry",
	[QT_RECORD_ASSESSMENT] = "assessment",
	[QT_RECORD_CONTINUATION] = "continuation",
	[QT_RECORD_MEETING] = "meeting",
	[QT_RECORD_AGENDA_ITEM] = "agenda_item",
	[QT_RECORD_HANDOVER] = "handover",
	[QT_RECORD_GOAL] = "goal",
	[QT_RECORD_PROGRESS_UPDATE] = "progress_update",
};

#define STORE_NTYPE_NAMES (sizeof(store_type_names) / sizeof(store_type_names[0]))

const char *qt_record_type_name(qt_record_type_t t)
{
	if ((unsigned)t < STORE_NTYPE_NAMES && store_type_names[t] != NULL)
		return store_type_names[t];
	return "unknown";
}

qt_record_type_t qt_record_type_parse(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < STORE_NTYPE_NAMES; i++)
		if (store_type_names[i] != NULL && strcmp(store_type_names[i], s) == 0)
			return (qt_record_type_t)i;
	return QT_RECORD_UNSPECIFIED;
}

static const char *const store_scope_names[] = {
	[QT_SCOPE_ALL] = "all",
	[QT_SCOPE_PROJECT] = "project",
	[QT_SCOPE_QUARTER] = "quarter",
	[QT_SCOPE_DISTRICT] = "district",
	[QT_SCOPE_OFFICE] = "office",
};

qt_status_t qt_scope_parse(const char *s, qt_scope_t *out)
{
	const char *colon;
	char *end;
	size_t i, len;
	long long id;

	if (s == NULL)
		return QT_INVALID_ARGUMENT;
	if (strcmp(s, "all") == 0) {
		out->kind = QT_SCOPE_ALL;
		out->id = 0;
		return QT_OK;
	}
	colon = strchr(s, ':');
	if (colon == NULL)
		return QT_INVALID_ARGUMENT;
	len = (size_t)(colon - s);
	for (i = 1; i < sizeof(store_scope_names) / sizeof(store_scope_names[0]); i++) {
		if (strlen(store_scope_names[i]) != len || strncmp(store_scope_names[i], s, len) != 0)
			continue;
		if (colon[1] < '1' || colon[1] > '9')
			return QT_INVALID_ARGUMENT;
		errno = 0;
		id = strtoll(colon + 1, &end, 10);
		if (errno != 0 || *end != '\0' || id <= 0)
			return QT_INVALID_ARGUMENT;
		out->kind = (qt_scope_kind_t)i;
		out->id = (int64_t)id;
		return QT_OK;
	}
	return QT_INVALID_ARGUMENT;
}

const char *qt_scope_format(const qt_scope_t *sc, char *buf, size_t len)
{
	if (sc->kind == QT_SCOPE_ALL ||
	    (unsigned)sc->kind >= sizeof(store_scope_names) / sizeof(store_scope_names[0]))
		snprintf(buf, len, "all");
	else
		snprintf(buf, len, "%s:%lld", store_scope_names[sc->kind], (long long)sc->id);
	return buf;
}

/* ------------------------------------------------------------ paths */

/* Appends s to buf (at pos) with everything but [A-Za-z0-9._-] as '_'. */
static void store_safe_append(char *buf, size_t *pos, const char *s)
{
	for (; *s != '\0'; s++) {
		char ch = *s;

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
			ch = '_';
		buf[(*pos)++] = ch;
	}
	buf[*pos] = '\0';
}

/* Creates path and missing parents with mode 0700. */
static int store_mkdirs(char *path)
{
	char *p;

	for (p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		{
			char ch = *p;

			*p = '\0';
			if (mkdir(path, 0700) != 0 && errno != EEXIST) {
				*p = ch;
				return -1;
			}
			*p = ch;
		}
		if (*p == '\0')
			return 0;
	}
}

qt_status_t qt_store_default_path(const char *host, uint16_t port, const char *login,
                                  int mkdir_, char **out)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	struct passwd *pw;
	char portbuf[8];
	char *buf;
	size_t cap, pos;

	if (host == NULL || login == NULL)
		return QT_INVALID_ARGUMENT;
	if (home == NULL || home[0] == '\0') {
		pw = getpwuid(getuid());
		home = pw != NULL ? pw->pw_dir : NULL;
	}
	if ((xdg == NULL || xdg[0] != '/') && home == NULL)
		return QT_NOT_FOUND;
	snprintf(portbuf, sizeof(portbuf), "%u", (unsigned)port);
	cap = (xdg != NULL && xdg[0] == '/' ? strlen(xdg) : strlen(home) + 13) + strlen(host) +
	      strlen(login) + 32;
	buf = malloc(cap);
	if (buf == NULL)
		return QT_NOMEM;
	if (xdg != NULL && xdg[0] == '/')
		pos = (size_t)snprintf(buf, cap, "%s/quartier", xdg);
	else
		pos = (size_t)snprintf(buf, cap, "%s/.local/share/quartier", home);
	if (mkdir_ && store_mkdirs(buf) != 0) {
		free(buf);
		return QT_IO;
	}
	buf[pos++] = '/';
	store_safe_append(buf, &pos, host);
	buf[pos++] = '-';
	store_safe_append(buf, &pos, portbuf);
	buf[pos++] = '-';
	store_safe_append(buf, &pos, login);
	memcpy(buf + pos, ".db", 4);
	*out = buf;
	return QT_OK;
}

/* ------------------------------------------------------------ open/close */

static void store_free(qt_store_t *s)
{
	if (s == NULL)
		return;
	if (s->db != NULL)
		sqlite3_close_v2(s->db);
	free(s->path);
	free(s->instance_id);
	free(s->err_message);
	s->magic = 0;
	free(s);
}

qt_status_t qt_store_open(const char *path, int create, const char *instance_id,
                          qt_store_t **out, char *err_buf, size_t err_len)
{
	qt_store_t *s = NULL;
	sqlite3_stmt *st = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int fd, schema = 0;
	qt_status_t rc;

	if (err_buf != NULL && err_len > 0)
		err_buf[0] = '\0';
	if (path == NULL || out == NULL)
		return QT_INVALID_ARGUMENT;
	if (!create && access(path, F_OK) != 0) {
		if (err_buf != NULL)
			snprintf(err_buf, err_len, "no replica %s (run `quartier sync` first)", path);
		return QT_NOT_FOUND;
	}
	if (create) {
		/* Create it with mode 0600 ourselves: it holds personal data. */
		fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0) {
			if (err_buf != NULL)
				snprintf(err_buf, err_len, "cannot create %s: %s", path, strerror(errno));
			return QT_IO;
		}
		close(fd);
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL || (s->path = strdup(path)) == NULL) {
		rc = QT_NOMEM;
		if (err_buf != NULL)
			snprintf(err_buf, err_len, "out of memory");
		goto out;
	}
	s->magic = STORE_MAGIC;
	store_begin(s);
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		rc = store_sql_error(s, "open");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	rc = store_exec(s, "PRAGMA journal_mode=WAL");
	if (rc == QT_OK)
		rc = store_exec(s, "PRAGMA synchronous=FULL");
	if (rc == QT_OK)
		rc = store_tx_begin(s);
	if (rc == QT_OK)
		rc = store_tx_end(s, store_exec(s, store_schema));
	if (rc != QT_OK)
		goto fail;
	rc = store_prepare(s, "SELECT schema_version, instance_id FROM replica", &st);
	if (rc != QT_OK)
		goto fail;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = store_sql_error(s, "read");
		goto fail;
	}
	schema = sqlite3_column_int(st, 0);
	if (sqlite3_column_type(st, 1) != SQLITE_NULL &&
	    (s->instance_id = strdup((const char *)sqlite3_column_text(st, 1))) == NULL) {
		rc = store_error(s, QT_NOMEM, "out of memory");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (schema > STORE_SCHEMA_VERSION) {
		rc = store_error(s, QT_FAILED_PRECONDITION,
		                 "replica %s was written by a newer quartier (schema %d)", path,
		                 schema);
		goto fail;
	}
	if (s->instance_id == NULL && instance_id != NULL) {
		rc = store_prepare(s, "UPDATE replica SET instance_id = ?1", &st);
		if (rc != QT_OK)
			goto fail;
		sqlite3_bind_text(st, 1, instance_id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = store_sql_error(s, "write");
			goto fail;
		}
		if ((s->instance_id = strdup(instance_id)) == NULL) {
			rc = store_error(s, QT_NOMEM, "out of memory");
			goto fail;
		}
	}
	*out = s;
	s = NULL;
	rc = QT_OK;
	goto out;
fail:
	if (err_buf != NULL)
		snprintf(err_buf, err_len, "%s", s->err.message);
out:
	sqlite3_finalize(st);
	store_free(s);
	return rc;
}

void qt_store_close(qt_store_t *s)
{
	if (s == NULL)
		return;
	assert(s->magic == STORE_MAGIC);
	store_free(s);
}

/* ------------------------------------------------------------ state */

void store_state_clear(store_state_t *st)
{
	store_cursor_clear(&st->cursor);
	store_cursor_clear(&st->snap_cursor);
	memset(st, 0, sizeof(*st));
}

/* Reads columns i..i+2 as a cursor (epoch NULL: none). */
static qt_status_t store_col_cursor(sqlite3_stmt *st, int i, store_cursor_t *out)
{
	memset(out, 0, sizeof(*out));
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return QT_OK;
	out->epoch = strdup((const char *)sqlite3_column_text(st, i));
	if (out->epoch == NULL)
		return QT_NOMEM;
	out->xid = (uint64_t)sqlite3_column_int64(st, i + 1);
	out->seq = (uint64_t)sqlite3_column_int64(st, i + 2);
	out->set = 1;
	return QT_OK;
}

qt_status_t store_state_read(qt_store_t *s, store_state_t *out)
{
	sqlite3_stmt *st = NULL;
	store_state_t r;
	qt_status_t rc;

	memset(&r, 0, sizeof(r));
	rc = store_prepare(s,
	                   "SELECT scope_kind, scope_id, epoch, xid, seq, snap_epoch, snap_xid, "
	                   "snap_seq, snap_after_type, snap_after_id, last_sync FROM replica",
	                   &st);
	if (rc != QT_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = store_sql_error(s, "read state");
		goto out;
	}
	r.scope.kind = (qt_scope_kind_t)sqlite3_column_int(st, 0);
	r.scope.id = sqlite3_column_int64(st, 1);
	if (store_col_cursor(st, 2, &r.cursor) != QT_OK ||
	    store_col_cursor(st, 5, &r.snap_cursor) != QT_OK) {
		rc = store_error(s, QT_NOMEM, "out of memory");
		goto out;
	}
	r.snap_has_after = sqlite3_column_type(st, 8) != SQLITE_NULL;
	r.snap_after_type = (qt_record_type_t)sqlite3_column_int(st, 8);
	r.snap_after_id = sqlite3_column_int64(st, 9);
	r.last_sync = sqlite3_column_int64(st, 10);
	*out = r;
	memset(&r, 0, sizeof(r));
out:
	store_state_clear(&r);
	sqlite3_finalize(st);
	return rc;
}

/* Steps a prepared statement that returns no rows and finalizes it. */
static qt_status_t store_run(qt_store_t *s, sqlite3_stmt *st, const char *what)
{
	qt_status_t rc = QT_OK;

	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_sql_error(s, what);
	sqlite3_finalize(st);
	return rc;
}

static qt_status_t store_reset_in_tx(qt_store_t *s, const qt_scope_t *scope)
{
	sqlite3_stmt *st = NULL;
	qt_status_t rc;

	rc = store_exec(s, "DELETE FROM records");
	if (rc != QT_OK)
		return rc;
	rc = store_prepare(s,
	                   "UPDATE replica SET epoch = NULL, xid = NULL, seq = NULL, "
	                   "snap_epoch = NULL, snap_xid = NULL, snap_seq = NULL, "
	                   "snap_after_type = NULL, snap_after_id = NULL, "
	                   "scope_kind = coalesce(?1, scope_kind), scope_id = coalesce(?2, scope_id)",
	                   &st);
	if (rc != QT_OK)
		return rc;
	if (scope != NULL) {
		sqlite3_bind_int(st, 1, (int)scope->kind);
		sqlite3_bind_int64(st, 2, scope->id);
	}
	return store_run(s, st, "reset");
}

qt_status_t store_reset(qt_store_t *s, const qt_scope_t *scope)
{
	qt_status_t rc = store_tx_begin(s);

	if (rc != QT_OK)
		return rc;
	return store_tx_end(s, store_reset_in_tx(s, scope));
}

qt_status_t qt_store_reset(qt_store_t *s)
{
	store_begin(s);
	return store_reset(s, NULL);
}

/* Overwrites (type, id) with body, or removes it for a tombstone. */
static qt_status_t store_put(qt_store_t *s, sqlite3_stmt *put, sqlite3_stmt *del,
                             const Quartier__V1__Record *r)
{
	sqlite3_stmt *st = r->has_deleted && r->deleted ? del : put;
	int e;

	sqlite3_reset(st);
	sqlite3_bind_int(st, 1, (int)r->type);
	sqlite3_bind_int64(st, 2, r->id);
	if (st == put)
		sqlite3_bind_blob(st, 3, r->has_body && r->body.data != NULL ? (const void *)r->body.data : "",
		                  r->has_body ? (int)r->body.len : 0, SQLITE_STATIC);
	e = sqlite3_step(st);
	sqlite3_reset(st);
	if (e != SQLITE_DONE)
		return store_sql_error(s, "apply record");
	return QT_OK;
}

static qt_status_t store_put_all(qt_store_t *s, Quartier__V1__Record *const *recs, size_t n,
                                 uint64_t *changed, uint64_t *deleted)
{
	sqlite3_stmt *put = NULL, *del = NULL;
	size_t i;
	qt_status_t rc;

	rc = store_prepare(s, "INSERT OR REPLACE INTO records (type, id, body) VALUES (?1, ?2, ?3)",
	                   &put);
	if (rc == QT_OK)
		rc = store_prepare(s, "DELETE FROM records WHERE type = ?1 AND id = ?2", &del);
	for (i = 0; rc == QT_OK && i < n; i++) {
		rc = store_put(s, put, del, recs[i]);
		if (recs[i]->has_deleted && recs[i]->deleted) {
			if (deleted != NULL)
				(*deleted)++;
		} else if (changed != NULL) {
			(*changed)++;
		}
	}
	sqlite3_finalize(put);
	sqlite3_finalize(del);
	return rc;
}

/* Binds a wire cursor to parameters i..i+2 (NULLs for none). */
static void store_bind_cursor(sqlite3_stmt *st, int i, const Quartier__V1__Cursor *c)
{
	if (c == NULL)
		return;
	sqlite3_bind_text(st, i, c->epoch != NULL ? c->epoch : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, i + 1, (int64_t)c->xid);
	sqlite3_bind_int64(st, i + 2, (int64_t)c->seq);
}

qt_status_t store_apply_snapshot(qt_store_t *s, const Quartier__V1__SyncSnapshotPage *pg,
                                 int first)
{
	sqlite3_stmt *st = NULL;
	int more = pg->has_more && pg->more;
	qt_status_t rc;

	if (pg->cursor == NULL)
		return store_error(s, QT_PROTOCOL_ERROR, "snapshot page without a cursor");
	rc = store_tx_begin(s);
	if (rc != QT_OK)
		return rc;
	if (first)
		rc = store_exec(s, "DELETE FROM records");
	if (rc == QT_OK)
		rc = store_put_all(s, pg->records, pg->n_records, NULL, NULL);
	if (rc != QT_OK)
		goto out;
	if (more) {
		rc = store_prepare(s,
		                   "UPDATE replica SET epoch = NULL, xid = NULL, seq = NULL, "
		                   "snap_epoch = ?1, snap_xid = ?2, snap_seq = ?3, "
		                   "snap_after_type = ?4, snap_after_id = ?5",
		                   &st);
		if (rc != QT_OK)
			goto out;
		store_bind_cursor(st, 1, pg->cursor);
		sqlite3_bind_int(st, 4, pg->has_next_type ? (int)pg->next_type : 0);
		sqlite3_bind_int64(st, 5, pg->has_next_id ? pg->next_id : 0);
	} else {
		rc = store_prepare(s,
		                   "UPDATE replica SET epoch = ?1, xid = ?2, seq = ?3, "
		                   "snap_epoch = NULL, snap_xid = NULL, snap_seq = NULL, "
		                   "snap_after_type = NULL, snap_after_id = NULL",
		                   &st);
		if (rc != QT_OK)
			goto out;
		store_bind_cursor(st, 1, pg->cursor);
	}
	rc = store_run(s, st, "store the snapshot position");
out:
	return store_tx_end(s, rc);
}

qt_status_t store_apply_changes(qt_store_t *s, const Quartier__V1__SyncChanges *ch, int at_head,
                                int *applied, uint64_t *changed, uint64_t *deleted)
{
	sqlite3_stmt *st = NULL;
	store_state_t cur;
	store_cursor_t next;
	qt_status_t rc;

	memset(&cur, 0, sizeof(cur));
	memset(&next, 0, sizeof(next));
	*applied = 0;
	if (ch->cursor == NULL)
		return store_error(s, QT_PROTOCOL_ERROR, "feed page without a cursor");
	if (store_cursor_from_wire(ch->cursor, &next) != QT_OK)
		return store_error(s, QT_NOMEM, "out of memory");
	rc = store_tx_begin(s);
	if (rc != QT_OK)
		goto out;
	rc = store_state_read(s, &cur);
	if (rc != QT_OK)
		goto tx;
	if (!cur.cursor.set) {
		/* A push before the replica has a position (or after a reset
		 * by another process): nothing to apply it to. */
		goto tx;
	}
	if (store_cursor_cmp(&next, &cur.cursor) <= 0 && ch->n_records == 0)
		goto tx;
	if (store_cursor_cmp(&next, &cur.cursor) < 0)
		goto tx; /* old news: the replica holds these changes or newer ones */
	rc = store_put_all(s, ch->records, ch->n_records, changed, deleted);
	if (rc != QT_OK)
		goto tx;
	rc = store_prepare(s,
	                   "UPDATE replica SET epoch = ?1, xid = ?2, seq = ?3, "
	                   "last_sync = CASE WHEN ?4 THEN ?5 ELSE last_sync END",
	                   &st);
	if (rc != QT_OK)
		goto tx;
	store_bind_cursor(st, 1, ch->cursor);
	sqlite3_bind_int(st, 4, at_head);
	sqlite3_bind_int64(st, 5, (int64_t)time(NULL));
	rc = store_run(s, st, "store the cursor");
	if (rc == QT_OK)
		*applied = 1;
tx:
	rc = store_tx_end(s, rc);
out:
	store_state_clear(&cur);
	store_cursor_clear(&next);
	return rc;
}

qt_status_t store_touch(qt_store_t *s)
{
	sqlite3_stmt *st = NULL;
	qt_status_t rc;

	rc = store_prepare(s, "UPDATE replica SET last_sync = ?1", &st);
	if (rc != QT_OK)
		return rc;
	sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
	return store_run(s, st, "stamp the sync time");
}

uint64_t qt_record_checksum(qt_record_type_t type, int64_t id, const uint8_t *body, size_t len)
{
	unsigned char head[16], md[EVP_MAX_MD_SIZE];
	uint64_t t = (uint64_t)type, i = (uint64_t)id, v = 0;
	unsigned int mdlen = 0;
	EVP_MD_CTX *m;
	int k, ok;

	for (k = 0; k < 8; k++) {
		head[k] = (unsigned char)(t >> (56 - 8 * k));
		head[8 + k] = (unsigned char)(i >> (56 - 8 * k));
	}
	m = EVP_MD_CTX_new();
	if (m == NULL)
		return 0;
	ok = EVP_DigestInit_ex(m, EVP_sha256(), NULL) == 1 &&
	     EVP_DigestUpdate(m, head, sizeof(head)) == 1 &&
	     (len == 0 || EVP_DigestUpdate(m, body, len) == 1) &&
	     EVP_DigestFinal_ex(m, md, &mdlen) == 1 && mdlen >= 8;
	EVP_MD_CTX_free(m);
	if (!ok)
		return 0;
	for (k = 0; k < 8; k++)
		v = (v << 8) | md[k];
	return v;
}

qt_status_t store_sums(qt_store_t *s, uint64_t *count, uint64_t *sum)
{
	sqlite3_stmt *st = NULL;
	qt_status_t rc;
	int e, t;

	rc = store_prepare(s, "SELECT type, id, body FROM records", &st);
	if (rc != QT_OK)
		return rc;
	while ((e = sqlite3_step(st)) == SQLITE_ROW) {
		t = sqlite3_column_int(st, 0);
		if (t < 0 || t >= QT_STORE_NTYPES)
			continue;
		count[t]++;
		sum[t] += qt_record_checksum((qt_record_type_t)t, sqlite3_column_int64(st, 1),
		                             sqlite3_column_blob(st, 2),
		                             (size_t)sqlite3_column_bytes(st, 2));
	}
	if (e != SQLITE_DONE)
		rc = store_sql_error(s, "read records");
	sqlite3_finalize(st);
	return rc;
}

/* ------------------------------------------------------------ reads */

void qt_record_clear(qt_record_t *r)
{
	if (r == NULL)
		return;
	free(r->body);
	memset(r, 0, sizeof(*r));
}

void qt_record_list_free(qt_record_t *list, size_t n)
{
	size_t i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++)
		qt_record_clear(&list[i]);
	free(list);
}

/* Copies the current row (type, id, body) into *r. */
static qt_status_t store_row_record(sqlite3_stmt *st, qt_record_t *r)
{
	int len = sqlite3_column_bytes(st, 2);
	const void *b = sqlite3_column_blob(st, 2);

	memset(r, 0, sizeof(*r));
	r->type = (qt_record_type_t)sqlite3_column_int(st, 0);
	r->id = sqlite3_column_int64(st, 1);
	r->body = malloc(len > 0 ? (size_t)len : 1);
	if (r->body == NULL)
		return QT_NOMEM;
	if (len > 0)
		memcpy(r->body, b, (size_t)len);
	r->body_len = (size_t)len;
	return QT_OK;
}

qt_status_t qt_store_get(qt_store_t *s, qt_record_type_t type, int64_t id, qt_record_t *out)
{
	sqlite3_stmt *st = NULL;
	qt_status_t rc;
	int e;

	store_begin(s);
	rc = store_prepare(s, "SELECT type, id, body FROM records WHERE type = ?1 AND id = ?2", &st);
	if (rc != QT_OK)
		return rc;
	sqlite3_bind_int(st, 1, (int)type);
	sqlite3_bind_int64(st, 2, id);
	e = sqlite3_step(st);
	if (e == SQLITE_ROW) {
		rc = store_row_record(st, out);
		if (rc != QT_OK)
			rc = store_error(s, rc, "out of memory");
	} else if (e == SQLITE_DONE) {
		rc = store_error(s, QT_NOT_FOUND, "the replica holds no %s %lld",
		                 qt_record_type_name(type), (long long)id);
	} else {
		rc = store_sql_error(s, "read record");
	}
	sqlite3_finalize(st);
	return rc;
}

qt_status_t qt_store_list(qt_store_t *s, qt_record_type_t type, qt_record_t **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	qt_record_t *list = NULL, *grown;
	size_t count = 0, cap = 0;
	qt_status_t rc;
	int e;

	store_begin(s);
	rc = store_prepare(s, "SELECT type, id, body FROM records WHERE type = ?1 ORDER BY id", &st);
	if (rc != QT_OK)
		return rc;
	sqlite3_bind_int(st, 1, (int)type);
	while ((e = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			cap = cap != 0 ? cap * 2 : 16;
			grown = realloc(list, cap * sizeof(*list));
			if (grown == NULL) {
				rc = store_error(s, QT_NOMEM, "out of memory");
				goto out;
			}
			list = grown;
		}
		if (store_row_record(st, &list[count]) != QT_OK) {
			rc = store_error(s, QT_NOMEM, "out of memory");
			goto out;
		}
		count++;
	}
	if (e != SQLITE_DONE) {
		rc = store_sql_error(s, "read records");
		goto out;
	}
	*out = list;
	*n = count;
	list = NULL;
	count = 0;
out:
	qt_record_list_free(list, count);
	sqlite3_finalize(st);
	return rc;
}

qt_status_t qt_record_json(const qt_record_t *r, char **out)
{
	const ProtobufCMessageDescriptor *d = record_descriptor(r->type);
	ProtobufCMessage *m;
	qt_status_t rc;

	if (d == NULL)
		return QT_INVALID_ARGUMENT;
	m = protobuf_c_message_unpack(d, NULL, r->body_len, r->body);
	if (m == NULL)
		return QT_PROTOCOL_ERROR;
	rc = pbjson_message(m, out);
	protobuf_c_message_free_unpacked(m, NULL);
	return rc;
}

void qt_store_info_clear(qt_store_info_t *info)
{
	if (info == NULL)
		return;
	free(info->path);
	free(info->instance_id);
	free(info->cursor);
	memset(info, 0, sizeof(*info));
}

/* The integer of a one-value query. */
static qt_status_t store_count(qt_store_t *s, const char *sql, uint64_t *out)
{
	sqlite3_stmt *st = NULL;
	qt_status_t rc = store_prepare(s, sql, &st);

	if (rc != QT_OK)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = (uint64_t)sqlite3_column_int64(st, 0);
	else
		rc = store_sql_error(s, "count");
	sqlite3_finalize(st);
	return rc;
}

qt_status_t qt_store_info(qt_store_t *s, qt_store_info_t *out)
{
	qt_store_info_t r;
	store_state_t st;
	char buf[256];
	qt_status_t rc;

	store_begin(s);
	memset(&r, 0, sizeof(r));
	memset(&st, 0, sizeof(st));
	rc = store_state_read(s, &st);
	if (rc == QT_OK)
		rc = store_count(s, "SELECT count(*) FROM records", &r.records);
	if (rc == QT_OK)
		rc = store_count(s, "SELECT count(*) FROM outbox WHERE state = 0", &r.outbox_queued);
	if (rc == QT_OK)
		rc = store_count(s, "SELECT count(*) FROM outbox WHERE state = 2",
		                 &r.outbox_conflicted);
	if (rc == QT_OK)
		rc = store_count(s, "SELECT count(*) FROM outbox WHERE state = 3", &r.outbox_failed);
	if (rc != QT_OK)
		goto out;
	r.scope = st.scope;
	r.has_cursor = st.cursor.set;
	r.snapshot_in_progress = st.snap_cursor.set;
	r.last_sync = st.last_sync;
	r.path = strdup(s->path);
	if (st.cursor.set)
		r.cursor = strdup(store_cursor_text(&st.cursor, buf, sizeof(buf)));
	if (s->instance_id != NULL)
		r.instance_id = strdup(s->instance_id);
	if (r.path == NULL || (st.cursor.set && r.cursor == NULL) ||
	    (s->instance_id != NULL && r.instance_id == NULL)) {
		rc = store_error(s, QT_NOMEM, "out of memory");
		goto out;
	}
	*out = r;
	memset(&r, 0, sizeof(r));
out:
	qt_store_info_clear(&r);
	store_state_clear(&st);
	return rc;
}

/* ------------------------------------------------------------ projects offline */

qt_status_t qt_store_project_get(qt_store_t *s, int64_t id, qt_project_t *out)
{
	Quartier__V1__Project *w;
	qt_record_t r;
	qt_status_t rc;

	rc = qt_store_get(s, QT_RECORD_PROJECT, id, &r);
	if (rc != QT_OK)
		return rc;
	w = quartier__v1__project__unpack(NULL, r.body_len, r.body);
	if (w == NULL)
		rc = store_error(s, QT_PROTOCOL_ERROR, "project %lld in the replica is unreadable",
		                 (long long)id);
	else if (project_from_wire(w, out) != QT_OK)
		rc = store_error(s, QT_NOMEM, "out of memory");
	if (w != NULL)
		quartier__v1__project__free_unpacked(w, NULL);
	qt_record_clear(&r);
	return rc;
}

static int store_has_id(const int64_t *v, size_t n, int64_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == id)
			return 1;
	return 0;
}

/* Whether the comma separated list names holds name (case-insensitive). */
static int store_names_have(const char *names, const char *name)
{
	const char *p = names, *e;
	size_t len = strlen(name);

	while (p != NULL && *p != '\0') {
		while (*p == ' ')
			p++;
		e = strchr(p, ',');
		if ((size_t)((e != NULL ? e : p + strlen(p)) - p) == len && strncasecmp(p, name, len) == 0)
			return 1;
		p = e != NULL ? e + 1 : NULL;
	}
	return 0;
}

/* Whether project p matches the filter; districts by id need the quarters
 * of the replica (reference records). */
static int store_project_matches(qt_store_t *s, const qt_project_t *p, const qt_project_filter_t *f)
{
	size_t i;

	if (f == NULL)
		return 1;
	if (f->quarter_id != 0 && !store_has_id(p->quarter_ids, p->n_quarter_ids, f->quarter_id))
		return 0;
	if (f->kind != QT_KIND_UNSPECIFIED && p->kind != f->kind)
		return 0;
	if (f->status != QT_PSTATUS_UNSPECIFIED && p->status != f->status)
		return 0;
	if (f->lead_office_id != 0 &&
	    !store_has_id(p->lead_office_ids, p->n_lead_office_ids, f->lead_office_id))
		return 0;
	if (f->district != NULL && !store_names_have(p->district_names, f->district))
		return 0;
	if (f->district_id != 0) {
		int found = 0;

		for (i = 0; i < p->n_quarter_ids && !found; i++) {
			qt_record_t r;
			Quartier__V1__Reference *q;

			if (qt_store_get(s, QT_RECORD_QUARTER, p->quarter_ids[i], &r) != QT_OK)
				continue;
			q = quartier__v1__reference__unpack(NULL, r.body_len, r.body);
			if (q != NULL && q->has_district_id && q->district_id == f->district_id)
				found = 1;
			if (q != NULL)
				quartier__v1__reference__free_unpacked(q, NULL);
			qt_record_clear(&r);
		}
		store_begin(s);
		if (!found)
			return 0;
	}
	return 1;
}

qt_status_t qt_store_project_list(qt_store_t *s, const qt_project_filter_t *f,
                                  qt_project_t **out, size_t *n, int64_t *next_after_id)
{
	qt_record_t *recs = NULL;
	qt_project_t *list = NULL;
	size_t nrecs = 0, count = 0, i, limit;
	int64_t next = 0;
	qt_status_t rc;

	rc = qt_store_list(s, QT_RECORD_PROJECT, &recs, &nrecs);
	if (rc != QT_OK)
		return rc;
	limit = f != NULL && f->page_size != 0 ? f->page_size : (size_t)-1;
	if (nrecs > 0 && (list = calloc(nrecs, sizeof(*list))) == NULL) {
		rc = store_error(s, QT_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < nrecs; i++) {
		Quartier__V1__Project *w;

		if (f != NULL && recs[i].id <= f->after_id)
			continue;
		w = quartier__v1__project__unpack(NULL, recs[i].body_len, recs[i].body);
		if (w == NULL) {
			rc = store_error(s, QT_PROTOCOL_ERROR,
			                 "project %lld in the replica is unreadable",
			                 (long long)recs[i].id);
			goto out;
		}
		rc = project_from_wire(w, &list[count]);
		quartier__v1__project__free_unpacked(w, NULL);
		if (rc != QT_OK) {
			rc = store_error(s, QT_NOMEM, "out of memory");
			goto out;
		}
		if (!store_project_matches(s, &list[count], f)) {
			qt_project_clear(&list[count]);
			continue;
		}
		if (count == limit) {
			qt_project_clear(&list[count]);
			next = list[count - 1].id;
			break;
		}
		count++;
	}
	*out = list;
	*n = count;
	if (next_after_id != NULL)
		*next_after_id = next;
	list = NULL;
	count = 0;
out:
	qt_project_list_free(list, count);
	qt_record_list_free(recs, nrecs);
	return rc;
}

/* ------------------------------------------------------------ outbox rows */

const char *qt_outbox_state_name(qt_outbox_state_t st)
{
	switch (st) {
	case QT_OUTBOX_QUEUED:
		return "queued";
	case QT_OUTBOX_DONE:
		return "done";
	case QT_OUTBOX_CONFLICTED:
		return "conflicted";
	case QT_OUTBOX_FAILED:
		return "failed";
	}
	return "unknown";
}

void qt_outbox_entry_clear(qt_outbox_entry_t *e)
{
	if (e == NULL)
		return;
	free(e->request_type);
	free(e->change_json);
	free(e->cursor);
	free(e->error_message);
	free(e->error_field);
	memset(e, 0, sizeof(*e));
}

void qt_outbox_list_free(qt_outbox_entry_t *list, size_t n)
{
	size_t i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++)
		qt_outbox_entry_clear(&list[i]);
	free(list);
}

void store_outbox_row_clear(store_outbox_row_t *r)
{
	qt_outbox_entry_clear(&r->e);
	free(r->request);
	free(r->instance_id);
	memset(r, 0, sizeof(*r));
}

/* The next mutation sequence number, taken within the caller's
 * transaction. */
static qt_status_t store_next_seq(qt_store_t *s, uint64_t *seq)
{
	uint64_t v = 0;
	qt_status_t rc;

	rc = store_count(s, "SELECT next_seq FROM replica", &v);
	if (rc == QT_OK)
		rc = store_exec(s, "UPDATE replica SET next_seq = next_seq + 1");
	if (rc == QT_OK)
		*seq = v;
	return rc;
}

qt_status_t store_outbox_add(qt_store_t *s, const char *request_type, qt_record_type_t ttype,
                             int64_t tid, int64_t expected_version, const uint8_t *req,
                             size_t len, int64_t *id, uint64_t *seq)
{
	sqlite3_stmt *st = NULL;
	uint64_t sq = 0;
	qt_status_t rc;

	if (s->instance_id == NULL)
		return store_error(s, QT_FAILED_PRECONDITION,
		                   "the replica has no client instance id for its outbox");
	rc = store_tx_begin(s);
	if (rc != QT_OK)
		return rc;
	rc = store_next_seq(s, &sq);
	if (rc != QT_OK)
		goto out;
	rc = store_prepare(s,
	                   "INSERT INTO outbox (seq, instance_id, state, request_type, target_type, "
	                   "target_id, expected_version, request, queued_at) "
	                   "VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6, ?7, ?8)",
	                   &st);
	if (rc != QT_OK)
		goto out;
	sqlite3_bind_int64(st, 1, (int64_t)sq);
	sqlite3_bind_text(st, 2, s->instance_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, request_type, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, (int)ttype);
	sqlite3_bind_int64(st, 5, tid);
	sqlite3_bind_int64(st, 6, expected_version);
	sqlite3_bind_blob(st, 7, len > 0 ? (const void *)req : "", (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, (int64_t)time(NULL));
	rc = store_run(s, st, "queue the change");
	if (rc == QT_OK) {
		*id = sqlite3_last_insert_rowid(s->db);
		*seq = sq;
	}
out:
	return store_tx_end(s, rc);
}

static char *store_col_str(sqlite3_stmt *st, int i, int *nomem)
{
	char *v;

	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return NULL;
	v = strdup((const char *)sqlite3_column_text(st, i));
	if (v == NULL)
		*nomem = 1;
	return v;
}

#define STORE_OUTBOX_COLS                                                                     \
	"SELECT id, seq, state, request_type, target_type, target_id, expected_version, "      \
	"queued_at, sent_at, attempts, cursor, error_status, error_message, error_field, "     \
	"request, instance_id FROM outbox "

/* Reads the current row of a STORE_OUTBOX_COLS query. */
static qt_status_t store_outbox_row(sqlite3_stmt *st, store_outbox_row_t *r)
{
	int nomem = 0, len;

	memset(r, 0, sizeof(*r));
	r->e.id = sqlite3_column_int64(st, 0);
	r->e.seq = (uint64_t)sqlite3_column_int64(st, 1);
	r->e.state = (qt_outbox_state_t)sqlite3_column_int(st, 2);
	r->e.request_type = store_col_str(st, 3, &nomem);
	r->e.target_type = (qt_record_type_t)sqlite3_column_int(st, 4);
	r->e.target_id = sqlite3_column_int64(st, 5);
	r->e.expected_version = sqlite3_column_int64(st, 6);
	r->e.queued_at = sqlite3_column_int64(st, 7);
	r->e.sent_at = sqlite3_column_int64(st, 8);
	r->e.attempts = (unsigned)sqlite3_column_int(st, 9);
	r->e.cursor = store_col_str(st, 10, &nomem);
	r->e.error_status = (qt_status_t)sqlite3_column_int(st, 11);
	r->e.error_message = store_col_str(st, 12, &nomem);
	r->e.error_field = store_col_str(st, 13, &nomem);
	len = sqlite3_column_bytes(st, 14);
	r->request = malloc(len > 0 ? (size_t)len : 1);
	if (r->request == NULL)
		nomem = 1;
	else if (len > 0)
		memcpy(r->request, sqlite3_column_blob(st, 14), (size_t)len);
	r->request_len = (size_t)len;
	r->instance_id = store_col_str(st, 15, &nomem);
	if (nomem) {
		store_outbox_row_clear(r);
		return QT_NOMEM;
	}
	return QT_OK;
}

qt_status_t store_outbox_read(qt_store_t *s, int64_t id, uint64_t after_seq,
                              store_outbox_row_t *out)
{
	sqlite3_stmt *st = NULL;
	qt_status_t rc;
	int e;

	if (id != 0) {
		rc = store_prepare(s, STORE_OUTBOX_COLS "WHERE id = ?1", &st);
		if (rc != QT_OK)
			return rc;
		sqlite3_bind_int64(st, 1, id);
	} else {
		rc = store_prepare(s, STORE_OUTBOX_COLS "WHERE state = 0 AND seq > ?1 ORDER BY seq LIMIT 1",
		                   &st);
		if (rc != QT_OK)
			return rc;
		sqlite3_bind_int64(st, 1, (int64_t)after_seq);
	}
	e = sqlite3_step(st);
	if (e == SQLITE_ROW)
		rc = store_outbox_row(st, out) == QT_OK ? QT_OK : store_error(s, QT_NOMEM, "out of memory");
	else if (e == SQLITE_DONE)
		rc = id != 0 ? store_error(s, QT_NOT_FOUND, "the outbox holds no entry #%lld",
		                           (long long)id)
		             : QT_NOT_FOUND;
	else
		rc = store_sql_error(s, "read the outbox");
	sqlite3_finalize(st);
	return rc;
}

qt_status_t store_outbox_settle(qt_store_t *s, int64_t id, qt_outbox_state_t state,
                                const store_cursor_t *cursor, qt_status_t est,
                                const char *emsg, const char *efield)
{
	sqlite3_stmt *st = NULL;
	char buf[256];
	qt_status_t rc;

	rc = store_prepare(s,
	                   "UPDATE outbox SET state = ?2, cursor = ?3, error_status = ?4, "
	                   "error_message = ?5, error_field = ?6, sent_at = ?7, "
	                   "attempts = attempts + 1 WHERE id = ?1",
	                   &st);
	if (rc != QT_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, (int)state);
	if (cursor != NULL && cursor->set)
		sqlite3_bind_text(st, 3, store_cursor_text(cursor, buf, sizeof(buf)), -1,
		                  SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, (int)est);
	if (emsg != NULL)
		sqlite3_bind_text(st, 5, emsg, -1, SQLITE_STATIC);
	if (efield != NULL)
		sqlite3_bind_text(st, 6, efield, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, (int64_t)time(NULL));
	return store_run(s, st, "settle an outbox entry");
}

qt_status_t store_outbox_requeue(qt_store_t *s, int64_t id, const uint8_t *req, size_t len,
                                 int64_t expected_version, uint64_t *seq)
{
	sqlite3_stmt *st = NULL;
	uint64_t sq = 0;
	qt_status_t rc;

	rc = store_tx_begin(s);
	if (rc != QT_OK)
		return rc;
	rc = store_next_seq(s, &sq);
	if (rc != QT_OK)
		goto out;
	rc = store_prepare(s,
	                   "UPDATE outbox SET state = 0, seq = ?2, instance_id = ?3, "
	                   "request = coalesce(?4, request), "
	                   "expected_version = CASE WHEN ?5 >= 0 THEN ?5 ELSE expected_version END, "
	                   "error_status = 0, error_message = NULL, error_field = NULL "
	                   "WHERE id = ?1 AND state IN (2, 3)",
	                   &st);
	if (rc != QT_OK)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (int64_t)sq);
	sqlite3_bind_text(st, 3, s->instance_id != NULL ? s->instance_id : "", -1, SQLITE_STATIC);
	if (req != NULL)
		sqlite3_bind_blob(st, 4, len > 0 ? (const void *)req : "", (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, expected_version);
	rc = store_run(s, st, "queue an entry again");
	if (rc == QT_OK && sqlite3_changes(s->db) != 1)
		rc = store_error(s, QT_FAILED_PRECONDITION,
		                 "outbox entry #%lld is neither conflicted nor failed", (long long)id);
	if (rc == QT_OK)
		*seq = sq;
out:
	return store_tx_end(s, rc);
}

qt_status_t qt_outbox_get(qt_store_t *s, int64_t id, qt_outbox_entry_t *out)
{
	store_outbox_row_t r;
	qt_status_t rc;

	store_begin(s);
	rc = store_outbox_read(s, id, 0, &r);
	if (rc != QT_OK)
		return rc;
	{
		Quartier__V1__Request *req =
			quartier__v1__request__unpack(NULL, r.request_len, r.request);

		const ProtobufCFieldDescriptor *f = req != NULL ?
			protobuf_c_message_descriptor_get_field(&quartier__v1__request__descriptor,
			                                        (unsigned)req->body_case) : NULL;

		/* The change itself: the body of the request. */
		if (f != NULL && f->type == PROTOBUF_C_TYPE_MESSAGE &&
		    pbjson_message(*(ProtobufCMessage **)((char *)req + f->offset),
		                   &r.e.change_json) != QT_OK)
			r.e.change_json = NULL;
		if (req != NULL)
			quartier__v1__request__free_unpacked(req, NULL);
	}
	*out = r.e;
	memset(&r.e, 0, sizeof(r.e));
	store_outbox_row_clear(&r);
	return QT_OK;
}

qt_status_t qt_outbox_list(qt_store_t *s, int include_done, qt_outbox_entry_t **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	qt_outbox_entry_t *list = NULL, *grown;
	size_t count = 0, cap = 0;
	int64_t id;
	qt_status_t rc;
	int e;

	store_begin(s);
	rc = store_prepare(s, include_done ? "SELECT id FROM outbox ORDER BY seq"
	                                   : "SELECT id FROM outbox WHERE state <> 1 ORDER BY seq",
	                   &st);
	if (rc != QT_OK)
		return rc;
	while ((e = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		if (count == cap) {
			cap = cap != 0 ? cap * 2 : 8;
			grown = realloc(list, cap * sizeof(*list));
			if (grown == NULL) {
				rc = store_error(s, QT_NOMEM, "out of memory");
				goto out;
			}
			list = grown;
		}
		rc = qt_outbox_get(s, id, &list[count]);
		if (rc != QT_OK)
			goto out;
		count++;
	}
	if (e != SQLITE_DONE) {
		rc = store_sql_error(s, "read the outbox");
		goto out;
	}
	*out = list;
	*n = count;
	list = NULL;
	count = 0;
out:
	qt_outbox_list_free(list, count);
	sqlite3_finalize(st);
	return rc;
}

qt_status_t qt_outbox_discard(qt_store_t *s, int64_t id)
{
	store_outbox_row_t r;
	sqlite3_stmt *st = NULL;
	qt_status_t rc;

	store_begin(s);
	rc = store_outbox_read(s, id, 0, &r);
	if (rc != QT_OK)
		return rc;
	if (r.e.state == QT_OUTBOX_DONE) {
		store_outbox_row_clear(&r);
		return store_error(s, QT_FAILED_PRECONDITION,
		                   "outbox entry #%lld was applied by the server; it cannot be discarded",
		                   (long long)id);
	}
	store_outbox_row_clear(&r);
	rc = store_prepare(s, "DELETE FROM outbox WHERE id = ?1 AND state <> 1", &st);
	if (rc != QT_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	return store_run(s, st, "discard an outbox entry");
}
