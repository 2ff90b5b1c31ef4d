/* libquartier: the client library of the Quartier registry.
 *
 * One qt_client_t is one TLS connection to quartierd.  Calls are blocking
 * and typed: each sends one request and waits for its answer.  The library
 * has no global state; a client handle must not be used by two threads at
 * once, but different handles may be used from different threads freely.
 *
 * Errors: every call returns a qt_status_t (see quartier/status.h).  On
 * failure the details (message, offending field, retry hint) are available
 * from qt_client_last_error() until the next call on the same handle.
 *
 * Memory: out-parameters are written only on success.  Strings and arrays
 * inside returned structures belong to the structure and are released by
 * its *_free() function.  Structures passed in are only borrowed for the
 * duration of the call.
 *
 * Signals: the library never raises SIGPIPE (its socket writes use
 * MSG_NOSIGNAL), so applications need not ignore it on its behalf.
 */
#ifndef QUARTIER_QUARTIER_H
#define QUARTIER_QUARTIER_H

#include <stddef.h>
#include <stdint.h>

#include "quartier/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define QT_LIBRARY_VERSION "0.1.0"

typedef struct qt_client qt_client_t;

/* ------------------------------------------------------------ connection */

typedef struct qt_connect_opts {
	const char *host;          /* name or address; verified against the certificate */
	uint16_t port;             /* default 7433 when 0 */
	const char *ca_file;       /* PEM file with the CA that signed the server certificate;
	                            * NULL = the system's default CA store */
	const char *client_name;   /* sent in the handshake; "libquartier" when NULL */
	const char *instance_id;   /* stable id of this installation; random when NULL */
	unsigned timeout_ms;       /* connect and per-call timeout; 10000 when 0 */
	uint32_t protocol_version; /* 0 = the version this library speaks (tests use others) */
	const char *cert_file;     /* PEM client certificate (chain) issued by the city CA, for
	                            * servers that ask for one (office machines); NULL = none */
	const char *key_file;      /* PEM private key of cert_file; NULL = in cert_file */
} qt_connect_opts_t;

/* Connects, completes TLS (verifying certificate and host name against
 * opts->ca_file) and the protocol handshake.  On success *out is a new
 * handle owned by the caller (release with qt_client_free()).  On failure
 * *out is untouched and, if err_buf is not NULL, a message is written to
 * err_buf (at most err_len bytes, NUL-terminated). */
qt_status_t qt_client_connect(const qt_connect_opts_t *opts, qt_client_t **out,
                              char *err_buf, size_t err_len);

/* Closes the connection and frees the handle; NULL is allowed. */
void qt_client_free(qt_client_t *c);

typedef struct qt_error {
	qt_status_t status;
	const char *message;  /* borrowed from the handle; valid until its next call */
	const char *field;    /* offending field for QT_INVALID_ARGUMENT, or NULL */
	int retryable;        /* the same request may succeed later */
} qt_error_t;

/* The error of the last failed call on c (status QT_OK if it succeeded). */
const qt_error_t *qt_client_last_error(const qt_client_t *c);

/* Values the server announced in its welcome. */
const char *qt_client_server_name(const qt_client_t *c);  /* borrowed */
uint32_t qt_client_max_frame(const qt_client_t *c);

/* Round trip without side effects; keeps idle connections honest. */
qt_status_t qt_ping(qt_client_t *c);

/* Sends n pings back to back without waiting, then reads the n answers
 * (pipelining); succeeds only if every answer arrives in order. */
qt_status_t qt_ping_pipelined(qt_client_t *c, unsigned n);

/* ------------------------------------------------------------ accounts */

typedef enum {
	QT_ROLE_UNSPECIFIED = 0,
	QT_ROLE_ADMIN = 1,
	QT_ROLE_OFFICE = 2,
	QT_ROLE_COORDINATOR = 3,
	QT_ROLE_VIEWER = 4,
	QT_ROLE_DISTRICT_HEAD = 5, /* Bezirksvorsteher*in of one district */
} qt_role_t;

/* "admin", "office", "coordinator", "viewer", "district_head"; static
 * storage. */
const char *qt_role_name(qt_role_t r);
/* Parses a role name; QT_ROLE_UNSPECIFIED if unknown. */
qt_role_t qt_role_parse(const char *s);

typedef struct qt_account {
	int64_t id;
	char *login;
	char *display_name;
	qt_role_t role;
	int64_t office_id;        /* 0 if none */
	int64_t organisation_id;  /* 0 if none */
	int disabled;
	int64_t district_id;      /* QT_ROLE_DISTRICT_HEAD: the district; 0 if none */
} qt_account_t;

/* Frees the strings inside a (not a itself); NULL is allowed. */
void qt_account_clear(qt_account_t *a);

/* Logs in with a password.  On success the connection is authenticated,
 * *token_out receives a new session token (caller frees with free()) and,
 * if acct is not NULL, the account is written to it (clear with
 * qt_account_clear()). */
qt_status_t qt_login(qt_client_t *c, const char *login, const char *password,
                     char **token_out, qt_account_t *acct);

/* Authenticates the connection with a token from an earlier qt_login(). */
qt_status_t qt_resume(qt_client_t *c, const char *token, qt_account_t *acct);

/* Ends the session; the token stops working everywhere. */
qt_status_t qt_logout(qt_client_t *c);

/* The account this connection is logged in as. */
qt_status_t qt_whoami(qt_client_t *c, qt_account_t *acct);

typedef struct qt_account_new {
	const char *login;
	const char *display_name;
	const char *password;
	qt_role_t role;
	int64_t office_id;        /* required for QT_ROLE_OFFICE */
	int64_t organisation_id;  /* required for QT_ROLE_COORDINATOR */
	int64_t district_id;      /* required for QT_ROLE_DISTRICT_HEAD, else 0 */
} qt_account_new_t;

/* Creates an account (admins only). */
qt_status_t qt_account_create(qt_client_t *c, const qt_account_new_t *in,
                              qt_account_t *out);

/* Lists accounts (admins only).  *out is a new array of *n entries; free
 * with qt_account_list_free(). */
qt_status_t qt_account_list(qt_client_t *c, qt_account_t **out, size_t *n);
void qt_account_list_free(qt_account_t *list, size_t n);

/* ------------------------------------------------------------ reference data */

typedef enum {
	QT_REF_DISTRICT = 1,
	QT_REF_QUARTER = 2,
	QT_REF_OFFICE = 3,
	QT_REF_ORGANISATION = 4,
} qt_ref_kind_t;

typedef struct qt_ref {
	int64_t id;
	char *name;
	char *short_name;   /* NULL if none */
	int64_t district_id;  /* quarters; 0 otherwise */
	char *org_type;     /* organisations; NULL otherwise */
} qt_ref_t;

/* Lists districts, quarters (optionally of one district; 0 = all), offices
 * or organisations, ordered by id.  Free with qt_ref_list_free(). */
qt_status_t qt_ref_list(qt_client_t *c, qt_ref_kind_t kind, int64_t district_id,
                        qt_ref_t **out, size_t *n);
void qt_ref_list_free(qt_ref_t *list, size_t n);

/* ------------------------------------------------------------ projects */

typedef enum {
	QT_KIND_UNSPECIFIED = 0,
	QT_KIND_COMPREHENSIVE = 1,  /* umfassende soziale Quartiersentwicklung */
	QT_KIND_FOCUSED = 2,        /* fokussiertes Projekt im Quartier */
} qt_project_kind_t;

typedef enum {
	QT_PSTATUS_UNSPECIFIED = 0,
	QT_PSTATUS_APPLICATION = 1,
	QT_PSTATUS_ASSESSMENT = 2,
	QT_PSTATUS_APPROVED = 3,
	QT_PSTATUS_RUNNING = 4,
	QT_PSTATUS_EVALUATION = 5,
	QT_PSTATUS_CONTINUED = 6,
	QT_PSTATUS_ENDED = 7,
} qt_project_status_t;

/* "comprehensive"/"focused"; static storage. */
const char *qt_project_kind_name(qt_project_kind_t k);
qt_project_kind_t qt_project_kind_parse(const char *s);  /* UNSPECIFIED if unknown */
/* "application", "assessment", ...; static storage. */
const char *qt_project_status_name(qt_project_status_t s);
qt_project_status_t qt_project_status_parse(const char *s);  /* UNSPECIFIED if unknown */

typedef struct qt_project {
	int64_t id;
	int64_t version;
	char *name;
	qt_project_kind_t kind;
	qt_project_status_t status;
	int64_t *quarter_ids;      size_t n_quarter_ids;
	char **quarter_names;      size_t n_quarter_names;
	int64_t *lead_office_ids;  size_t n_lead_office_ids;
	char **lead_office_names;  size_t n_lead_office_names;
	int64_t carrier_id;        /* 0 if none */
	char *carrier_name;        /* NULL if none */
	int64_t *coordinator_ids;  size_t n_coordinator_ids;
	char *start_date;          /* "YYYY-MM-DD" or NULL */
	char *end_date;            /* "YYYY-MM-DD" or NULL */
	char *description;         /* NULL if none */
	char *district_names;      /* comma separated, NULL if none */
	int64_t created_at;        /* unix seconds */
	int64_t updated_at;        /* unix seconds */
} qt_project_t;

/* Frees everything inside p (not p itself); NULL is allowed. */
void qt_project_clear(qt_project_t *p);

typedef struct qt_project_new {
	const char *name;
	qt_project_kind_t kind;
	const int64_t *quarter_ids;      size_t n_quarter_ids;      /* at least one */
	const int64_t *lead_office_ids;  size_t n_lead_office_ids;  /* at least one */
	int64_t carrier_id;              /* 0 = none */
	const int64_t *coordinator_ids;  size_t n_coordinator_ids;
	const char *start_date;          /* NULL = none */
	const char *end_date;            /* NULL = none */
	const char *description;         /* NULL = none */
} qt_project_new_t;

qt_status_t qt_project_create(qt_client_t *c, const qt_project_new_t *in,
                              qt_project_t *out);

qt_status_t qt_project_get(qt_client_t *c, int64_t id, qt_project_t *out);

typedef struct qt_project_filter {
	int64_t district_id;        /* 0 = any */
	const char *district;       /* district name, case-insensitive; NULL = any */
	int64_t quarter_id;         /* 0 = any */
	qt_project_kind_t kind;     /* UNSPECIFIED = any */
	qt_project_status_t status; /* UNSPECIFIED = any */
	int64_t lead_office_id;     /* 0 = any */
	uint32_t page_size;         /* 0 = server default (50); at most 500 */
	int64_t after_id;           /* keyset paging; 0 = from the start */
} qt_project_filter_t;

/* One page of projects in ascending id order.  *out is a new array of *n
 * projects (free with qt_project_list_free()); *next_after_id is the value
 * to pass as after_id for the next page, or 0 when there is none. */
qt_status_t qt_project_list(qt_client_t *c, const qt_project_filter_t *f,
                            qt_project_t **out, size_t *n,
                            int64_t *next_after_id);
void qt_project_list_free(qt_project_t *list, size_t n);

/* A partial update: only members marked set are sent. */
typedef struct qt_project_patch {
	int64_t id;
	int64_t expected_version;   /* the version the caller read; stale -> QT_CONFLICT */
	const char *name;           /* NULL = unchanged */
	qt_project_kind_t kind;     /* UNSPECIFIED = unchanged */
	int set_quarter_ids;        const int64_t *quarter_ids;     size_t n_quarter_ids;
	int set_lead_office_ids;    const int64_t *lead_office_ids; size_t n_lead_office_ids;
	int set_coordinator_ids;    const int64_t *coordinator_ids; size_t n_coordinator_ids;
	int set_carrier_id;         int64_t carrier_id;             /* 0 clears */
	const char *start_date;     /* NULL = unchanged, "" = clear */
	const char *end_date;       /* NULL = unchanged, "" = clear */
	const char *description;    /* NULL = unchanged */
} qt_project_patch_t;

qt_status_t qt_project_update(qt_client_t *c, const qt_project_patch_t *patch,
                              qt_project_t *out);

/* Moves a project along its lifecycle; an invalid transition is refused
 * with QT_FAILED_PRECONDITION and the reason. */
qt_status_t qt_project_transition(qt_client_t *c, int64_t id,
                                  int64_t expected_version,
                                  qt_project_status_t to, const char *reason,
                                  qt_project_t *out);

/* ------------------------------------------------------------ audit */

typedef struct qt_audit_entry {
	int64_t id;
	int64_t at;           /* unix seconds */
	int64_t account_id;   /* 0 for the system */
	char *action;         /* e.g. "project.update" */
	char *entity;
	int64_t entity_id;
	char *before_json;    /* NULL if none */
	char *after_json;     /* NULL if none */
} qt_audit_entry_t;

/* Newest first.  entity may be NULL (all), entity_id 0 (all), limit 0 =
 * server default.  Admins see all entries, others those about projects. */
qt_status_t qt_audit_list(qt_client_t *c, const char *entity, int64_t entity_id,
                          uint32_t limit, qt_audit_entry_t **out, size_t *n);
void qt_audit_list_free(qt_audit_entry_t *list, size_t n);

/* What a verification of the audit log's hash chain found; the values
 * are those of the protocol's AuditProblem. */
typedef enum qt_audit_problem {
	QT_AUDIT_INTACT = 0,
	QT_AUDIT_EDITED = 1,       /* a sealed row's content, or its seal, was changed */
	QT_AUDIT_LINK_BROKEN = 2,  /* a row does not follow the row before it */
	QT_AUDIT_DELETED = 3,      /* sealed rows are gone */
	QT_AUDIT_INSERTED = 4,     /* a row was put in behind the sealer's back */
	QT_AUDIT_REWRITTEN = 5,    /* the chain no longer holds the anchor */
} qt_audit_problem_t;

typedef struct qt_audit_verify {
	uint64_t checked;          /* rows in the chain, all recomputed */
	uint64_t sealed;           /* of them sealed by this verification */
	uint64_t pending;          /* rows of transactions still running */
	uint64_t redacted;         /* rows whose content was erased on purpose */
	int64_t head_position;     /* the chain's last position (0: empty) */
	char *head_hash;           /* its hash, hex; "POSITION:HASH" is an anchor */
	qt_audit_problem_t problem; /* QT_AUDIT_INTACT if the chain is whole */
	int64_t bad_id;            /* the first bad audit row (0: none to name) */
	int64_t bad_position;      /* its chain position, or the first missing one */
	int64_t other_id;          /* the row it was checked against (0: none) */
	int64_t other_position;
	char *message;             /* what is wrong, in English; NULL if intact */
} qt_audit_verify_t;

/* Frees the strings inside v (not v itself); NULL is allowed. */
void qt_audit_verify_clear(qt_audit_verify_t *v);

/* Has the server seal every audit row of a finished transaction and
 * verify the audit log's hash chain (admins only).  anchor (may be NULL):
 * "POSITION:HASH" of an earlier verification that the chain must still
 * hold.  A damaged chain is QT_OK with out->problem set; clear *out with
 * qt_audit_verify_clear(). */
qt_status_t qt_audit_verify(qt_client_t *c, const char *anchor, qt_audit_verify_t *out);

/* ------------------------------------------------------------ people */

typedef struct qt_person {
	int64_t id;
	int64_t version;
	char *name;
	char *function;           /* NULL if none */
	int64_t office_id;        /* 0 if none */
	char *office_name;        /* NULL if none */
	int64_t organisation_id;  /* 0 if none; never together with office_id */
	char *organisation_name;  /* NULL if none */
	int64_t account_id;       /* the account that is this person; 0 if none */
	/* Contact data is personal data.  The server sends it only to admins,
	 * to the person itself, to staff of an office leading a project whose
	 * support group the person is or was in, and to fellow members of a
	 * support group.  contact_visible says whether it was sent: when 0,
	 * email and phone are NULL whatever is stored. */
	int contact_visible;
	char *email;              /* NULL if none or not visible */
	char *phone;              /* NULL if none or not visible */
	int64_t created_at;       /* unix seconds */
	int64_t updated_at;       /* unix seconds */
} qt_person_t;

/* Frees everything inside p (not p itself); NULL is allowed. */
void qt_person_clear(qt_person_t *p);

typedef struct qt_person_new {
	const char *name;          /* 1..200 characters */
	const char *function;      /* NULL = none */
	int64_t office_id;         /* 0 = none */
	int64_t organisation_id;   /* 0 = none; not together with office_id */
	const char *email;         /* NULL = none */
	const char *phone;         /* NULL = none */
	int64_t account_id;        /* 0 = none; linking an account is for admins */
} qt_person_new_t;

/* Admins and office staff create persons; coordinators create private
 * (civic) persons without office or account for their support groups. */
qt_status_t qt_person_create(qt_client_t *c, const qt_person_new_t *in, qt_person_t *out);

qt_status_t qt_person_get(qt_client_t *c, int64_t id, qt_person_t *out);

typedef struct qt_person_filter {
	const char *name;          /* part of the name, case-insensitive; NULL = any */
	int64_t office_id;         /* 0 = any */
	int64_t organisation_id;   /* 0 = any */
	uint32_t page_size;        /* 0 = server default (50); at most 500 */
	int64_t after_id;          /* keyset paging; 0 = from the start */
} qt_person_filter_t;

/* One page of persons in ascending id order (free with
 * qt_person_list_free()); *next_after_id is 0 when there is no more. */
qt_status_t qt_person_list(qt_client_t *c, const qt_person_filter_t *f, qt_person_t **out,
                           size_t *n, int64_t *next_after_id);
void qt_person_list_free(qt_person_t *list, size_t n);

/* A partial update (admins and office staff). */
typedef struct qt_person_patch {
	int64_t id;
	int64_t expected_version;  /* stale -> QT_CONFLICT */
	const char *name;          /* NULL = unchanged */
	const char *function;      /* NULL = unchanged, "" = clear */
	int set_office_id;         int64_t office_id;        /* 0 clears */
	int set_organisation_id;   int64_t organisation_id;  /* 0 clears */
	const char *email;         /* NULL = unchanged, "" = clear */
	const char *phone;         /* NULL = unchanged, "" = clear */
	int set_account_id;        int64_t account_id;       /* 0 clears; admins only */
} qt_person_patch_t;

qt_status_t qt_person_update(qt_client_t *c, const qt_person_patch_t *patch, qt_person_t *out);

/* ------------------------------------------------------------ personal data (GDPR), admins only */

/* Everything the registry stores about person id (GDPR Art. 15) as one
 * JSON object: the person, its memberships with project names, the
 * meetings it was invited to, the account linked to it (with its sessions
 * and a summary of its actions) and the audit rows about it.  *json (a new
 * string, caller frees) is written only on success.  The export is
 * audited (person.export). */
qt_status_t qt_person_export(qt_client_t *c, int64_t id, char **json);

typedef struct qt_person_erasure {
	qt_person_t person;            /* the pseudonymised record */
	int already_erased;            /* 1: erased before; nothing changed now */
	int64_t erased_at;             /* unix seconds of the erasure */
	uint32_t audit_rows_redacted;  /* audit rows whose copies of the data were redacted */
	uint32_t answers_cleared;      /* stored mutation answers that lost their body */
} qt_person_erasure_t;

/* Frees everything inside e (not e itself); NULL is allowed. */
void qt_person_erasure_clear(qt_person_erasure_t *e);

/* Erases person id (GDPR Art. 17): function, e-mail, phone and an account
 * link removed, the name replaced by "Person <id> (gelöscht)", the
 * person's data redacted in the audit log and in stored answers, in one
 * transaction; memberships and meeting participation stay.  reason
 * (1..500 characters, e.g. the request it answers) is audited.  Erasing an
 * erased person changes nothing (already_erased).  QT_FAILED_PRECONDITION
 * if the person is linked to an enabled account.  out may be NULL. */
qt_status_t qt_person_erase(qt_client_t *c, int64_t id, const char *reason,
                            qt_person_erasure_t *out);

/* ------------------------------------------------------------ support groups */

/* Role categories in a support group (Projektbegleitgruppe). */
typedef enum {
	QT_MEMBER_UNSPECIFIED = 0,
	QT_MEMBER_CITY_STAFF = 1,     /* area/topic lead of an office */
	QT_MEMBER_DISTRICT_HEAD = 2,  /* Bezirksvorsteher*in */
	QT_MEMBER_CARRIER = 3,        /* carrier of the coordination (Träger) */
	QT_MEMBER_CIVIC = 4,          /* civic representative */
} qt_member_role_t;

/* "city_staff", "district_head", "carrier", "civic"; static storage. */
const char *qt_member_role_name(qt_member_role_t r);
qt_member_role_t qt_member_role_parse(const char *s);  /* UNSPECIFIED if unknown */

/* One period of a person in the support group of a project; both dates
 * are inclusive. */
typedef struct qt_membership {
	int64_t id;
	int64_t project_id;
	int64_t person_id;
	qt_member_role_t role;
	int64_t on_behalf_of_id;   /* organisation represented; 0 if none */
	char *on_behalf_of_name;   /* NULL if none */
	int64_t deputy_of_id;      /* person deputised for; 0 if none */
	char *deputy_of_name;      /* NULL if none */
	char *start_date;          /* "YYYY-MM-DD" */
	char *end_date;            /* "YYYY-MM-DD", or NULL while open */
	int active;                /* the period contains the day asked (or today) */
	qt_person_t person;        /* the member; contact data as for qt_person_get() */
	int64_t created_at;        /* unix seconds */
	int64_t updated_at;        /* unix seconds */
} qt_membership_t;

/* Frees everything inside m (not m itself); NULL is allowed. */
void qt_membership_clear(qt_membership_t *m);

typedef struct qt_membership_new {
	int64_t project_id;        /* the group is the project's */
	int64_t person_id;
	qt_member_role_t role;
	int64_t on_behalf_of_id;   /* 0 = none */
	int64_t deputy_of_id;      /* 0 = none; a member of the same group */
	const char *start_date;    /* required, YYYY-MM-DD */
	const char *end_date;      /* NULL = open */
} qt_membership_new_t;

/* Adds a period; one overlapping another period of the same person in
 * the group is refused with QT_INVALID_ARGUMENT (field start_date).
 * Admins, staff of a lead office and the project's coordinators. */
qt_status_t qt_membership_add(qt_client_t *c, const qt_membership_new_t *in,
                              qt_membership_t *out);

/* Sets the end date of a membership (inclusive, not before its start);
 * nothing is deleted.  out may be NULL. */
qt_status_t qt_membership_end(qt_client_t *c, int64_t id, const char *end_date,
                              qt_membership_t *out);

typedef struct qt_group {
	int64_t project_id;
	char *on_date;             /* the day "active" refers to, YYYY-MM-DD */
	qt_membership_t *members;  /* by role, person name and start */
	size_t n_members;
} qt_group_t;

/* Frees everything inside g (not g itself); NULL is allowed. */
void qt_group_clear(qt_group_t *g);

/* The members of the support group of a project on a day (on_date NULL =
 * today), or with include_history every period, past and future, each
 * marked active or not on that day.  Clear *out with qt_group_clear(). */
qt_status_t qt_group_members(qt_client_t *c, int64_t project_id, const char *on_date,
                             int include_history, qt_group_t *out);

/* ------------------------------------------------------------ quarter fund */

/* The quarter fund (Quartiersfonds) of an area (a project, optionally one
 * of its quarters) for a year: an append-only ledger of entries in integer
 * cents.  The figures of a fund are sums over its ledger (a correction
 * moves the figure of the entry it corrects): allocated, committed, paid
 * (payouts minus refunds), balance = allocated - paid and available =
 * allocated - committed.  The server refuses any entry that would make
 * balance or available negative, or pay a commitment beyond its amount
 * (QT_FAILED_PRECONDITION, field "amount_cents", with the reason). */

typedef enum {
	QT_FUND_ENTRY_UNSPECIFIED = 0,
	QT_FUND_ALLOCATION = 1,  /* Mittelzuweisung: money for the fund */
	QT_FUND_COMMITMENT = 2,  /* Bewilligung: a grant to an applicant for a purpose */
	QT_FUND_PAYOUT = 3,      /* Auszahlung on a commitment */
	QT_FUND_REFUND = 4,      /* Rückzahlung of money paid on a commitment */
	QT_FUND_CORRECTION = 5,  /* Korrektur: a signed delta to an earlier entry */
} qt_fund_entry_kind_t;

/* "allocation", "commitment", "payout", "refund", "correction"; static. */
const char *qt_fund_entry_kind_name(qt_fund_entry_kind_t k);
qt_fund_entry_kind_t qt_fund_entry_kind_parse(const char *s);  /* UNSPECIFIED if unknown */

/* Largest amount of one entry (and of a correction's delta), in cents. */
#define QT_FUND_AMOUNT_MAX 1000000000000LL

/* Parses euros written with a point and exactly two decimals ("125.50",
 * "-3.20") or whole euros ("125") into cents, exactly (no floating
 * point).  Returns QT_INVALID_ARGUMENT for anything else, including
 * amounts that do not fit in int64_t; *cents is written only on success. */
qt_status_t qt_euro_parse(const char *s, int64_t *cents);

/* Writes cents as euros with two decimals ("1234.50", "-0.05") into buf
 * (len bytes; 24 always suffice) and returns buf. */
char *qt_euro_format(char *buf, size_t len, int64_t cents);

typedef struct qt_fund {
	int64_t id;
	int64_t project_id;
	char *project_name;        /* NULL if not sent */
	int64_t quarter_id;        /* 0: the project's whole area */
	char *quarter_name;        /* NULL if none */
	int32_t year;
	int64_t allocated_cents;
	int64_t committed_cents;
	int64_t paid_cents;        /* payouts minus refunds */
	int64_t balance_cents;     /* allocated - paid */
	int64_t available_cents;   /* allocated - committed */
	int64_t entry_count;
	int64_t created_at;        /* unix seconds */
} qt_fund_t;

/* Frees everything inside f (not f itself); NULL is allowed. */
void qt_fund_clear(qt_fund_t *f);

/* Creates the fund of a project (quarter_id 0) or of one of its quarters
 * for a year; one per area and year (a second is QT_CONFLICT, field
 * "year").  Admins and staff of a lead office. */
qt_status_t qt_fund_create(qt_client_t *c, int64_t project_id, int64_t quarter_id, int32_t year,
                           qt_fund_t *out);

qt_status_t qt_fund_get(qt_client_t *c, int64_t id, qt_fund_t *out);

typedef struct qt_fund_filter {
	int64_t project_id;        /* 0 = any */
	int32_t year;              /* 0 = any */
	uint32_t page_size;        /* 0 = server default (50); at most 500 */
	int64_t after_id;          /* keyset paging; 0 = from the start */
} qt_fund_filter_t;

/* One page of funds in ascending id order (free with qt_fund_list_free());
 * *next_after_id is 0 when there is no more.  f may be NULL. */
qt_status_t qt_fund_list(qt_client_t *c, const qt_fund_filter_t *f, qt_fund_t **out, size_t *n,
                         int64_t *next_after_id);
void qt_fund_list_free(qt_fund_t *list, size_t n);

/* One ledger entry; entries are never changed or deleted. */
typedef struct qt_fund_entry {
	int64_t id;                /* ascends in booking order */
	int64_t fund_id;
	qt_fund_entry_kind_t kind;
	int64_t amount_cents;      /* > 0; corrections: the signed delta */
	int64_t commitment_id;     /* payouts and refunds; 0 otherwise */
	int64_t corrects_id;       /* corrections; 0 otherwise */
	char *applicant;           /* commitments; NULL otherwise */
	char *purpose;             /* commitments; NULL otherwise */
	char *decided_in;          /* e.g. "AGSP 2026-03"; NULL if none */
	char *note;                /* corrections: the reason; NULL if none */
	char *booked_on;           /* "YYYY-MM-DD" */
	int64_t account_id;        /* who booked it; 0: the host */
	int64_t created_at;        /* unix seconds */
	int64_t balance_after_cents;    /* the fund's balance after this entry */
	int has_effective_amount;  /* set for every kind but corrections */
	int64_t effective_amount_cents; /* amount after its corrections */
	int has_paid;              /* set for commitments */
	int64_t paid_cents;        /* commitments: paid on it (payouts - refunds) */
} qt_fund_entry_t;

/* Frees everything inside e (not e itself); NULL is allowed. */
void qt_fund_entry_clear(qt_fund_entry_t *e);

typedef struct qt_fund_entry_new {
	int64_t fund_id;
	qt_fund_entry_kind_t kind;
	int64_t amount_cents;      /* 1..QT_FUND_AMOUNT_MAX; corrections: a non-zero delta */
	int64_t commitment_id;     /* payouts and refunds: required; else 0 */
	int64_t corrects_id;       /* corrections: required; else 0 */
	const char *applicant;     /* commitments: required (1..200 characters) */
	const char *purpose;       /* commitments: required (1..2000 characters) */
	const char *decided_in;    /* NULL = none; up to 200 characters */
	const char *note;          /* NULL = none; corrections: required (the reason) */
	const char *booked_on;     /* "YYYY-MM-DD"; NULL = today */
} qt_fund_entry_new_t;

/* Books an entry.  Admins and staff of a lead office book every kind;
 * the project's coordinators book commitments, payouts, refunds and
 * corrections of those, but no allocations.  out may be NULL. */
qt_status_t qt_fund_entry_add(qt_client_t *c, const qt_fund_entry_new_t *in,
                              qt_fund_entry_t *out);

/* One page of a fund's ledger in booking order (free with
 * qt_fund_ledger_free()); page_size 0 = server default (100), after_id 0
 * = from the start; *next_after_id is 0 when there is no more. */
qt_status_t qt_fund_ledger(qt_client_t *c, int64_t fund_id, uint32_t page_size, int64_t after_id,
                           qt_fund_entry_t **out, size_t *n, int64_t *next_after_id);
void qt_fund_ledger_free(qt_fund_entry_t *list, size_t n);

/* ------------------------------------------------------------ quality assessment */

/* The criteria catalogue of the annex Bewertungskriterien: seven sections
 * (1 Ausgangslage/Sozialraumanalyse, 2 Zielsteuerung, 3 Evaluation,
 * 4 Quartierskoordination, 5 Partizipation, 6 Gesellschaftliches
 * Engagement, 7 Verstetigung), each criterion in column Konzept or
 * Prozess, required (printed plain in the annex) or quality-enhancing
 * (italic).  The catalogue is versioned; versions never change. */

typedef enum {
	QT_COLUMN_UNSPECIFIED = 0,
	QT_COLUMN_KONZEPT = 1,  /* quality of the concept */
	QT_COLUMN_PROZESS = 2,  /* quality of the running process */
} qt_criterion_column_t;

typedef enum {
	QT_PHASE_UNSPECIFIED = 0,
	QT_PHASE_APPLICATION = 1,        /* funding of a new project */
	QT_PHASE_CONTINUED_FUNDING = 2,  /* continued funding */
	QT_PHASE_RUNNING = 3,            /* a running project */
} qt_assessment_phase_t;

typedef enum {
	QT_RATING_UNSPECIFIED = 0,
	QT_RATING_MET = 1,
	QT_RATING_NOT_MET = 2,
	QT_RATING_NOT_APPLICABLE = 3,
} qt_rating_t;

/* "konzept"/"prozess", "application"/"continued_funding"/"running",
 * "met"/"not_met"/"not_applicable"; static storage, "unspecified" for
 * other values.  The parsers return UNSPECIFIED for unknown names;
 * qt_rating_parse() also takes "na". */
const char *qt_criterion_column_name(qt_criterion_column_t c);
const char *qt_assessment_phase_name(qt_assessment_phase_t p);
qt_assessment_phase_t qt_assessment_phase_parse(const char *s);
const char *qt_rating_name(qt_rating_t r);
qt_rating_t qt_rating_parse(const char *s);

typedef struct qt_criterion {
	int64_t id;
	uint32_t version;             /* catalogue version */
	uint32_t section;             /* 1..7 */
	qt_criterion_column_t column;
	int required;                 /* 1: required for every project; 0: quality-enhancing */
	uint32_t position;            /* order within version, section and column */
	char *text;                   /* German, as in the annex */
	char *lead_in;                /* the annex heading the item continues; NULL if none */
	int na_allowed;               /* "not applicable" fulfils it (section 4) */
	uint32_t one_of;              /* alternatives group (section 7); 0 if none */
} qt_criterion_t;

typedef struct qt_catalogue_section {
	uint32_t section;             /* 1..7 */
	char *title;
} qt_catalogue_section_t;

typedef struct qt_catalogue {
	uint32_t version;
	char *title;
	char *source;                 /* NULL if none */
	qt_catalogue_section_t *sections;  size_t n_sections;
	qt_criterion_t *criteria;     size_t n_criteria;   /* by section, column, position */
	uint32_t *versions;           size_t n_versions;   /* every version known, ascending */
} qt_catalogue_t;

/* Frees everything inside c (not c itself); NULL is allowed. */
void qt_catalogue_clear(qt_catalogue_t *c);

/* The catalogue of a version (0 = the latest).  Clear *out with
 * qt_catalogue_clear(). */
qt_status_t qt_criteria_list(qt_client_t *c, uint32_t version, qt_catalogue_t *out);

typedef struct qt_rating_entry {
	int64_t criterion_id;
	qt_rating_t rating;
	char *note;                   /* NULL if none */
} qt_rating_entry_t;

/* An assessment is a snapshot: it never changes.  A required criterion
 * is missing unless it is rated met, or not_applicable where the annex
 * makes it conditional (na_allowed), or another criterion of its one_of
 * group is met; quality-enhancing criteria are never missing. */
typedef struct qt_assessment {
	int64_t id;
	int64_t project_id;
	char *project_name;
	qt_assessment_phase_t phase;
	uint32_t catalogue_version;   /* the version the ratings refer to */
	int64_t assessor_id;          /* 0: recorded on the host */
	char *assessor_name;          /* NULL if none */
	char *assessed_on;            /* "YYYY-MM-DD" */
	char *summary;                /* NULL if none */
	int64_t created_at;           /* unix seconds */
	int required_met;             /* no required criterion is missing */
	int64_t *missing_ids;         size_t n_missing_ids;  /* in catalogue order */
	/* Only from qt_assessment_create() and qt_assessment_get(): */
	qt_rating_entry_t *ratings;   size_t n_ratings;      /* in catalogue order */
	qt_criterion_t *missing;      size_t n_missing;      /* missing_ids in full */
	uint32_t required_total;      /* required criteria in the version */
	uint32_t enhancing_total;     /* quality-enhancing criteria in the version */
	uint32_t enhancing_met;       /* of those, rated met */
	uint32_t rated;               /* criteria rated at all */
} qt_assessment_t;

/* Frees everything inside a (not a itself); NULL is allowed. */
void qt_assessment_clear(qt_assessment_t *a);

typedef struct qt_rating_new {
	int64_t criterion_id;
	qt_rating_t rating;
	const char *note;             /* NULL = none; up to 2000 characters */
} qt_rating_new_t;

typedef struct qt_assessment_new {
	int64_t project_id;
	qt_assessment_phase_t phase;
	const qt_rating_new_t *ratings;  size_t n_ratings;  /* 1..500, each criterion once */
	uint32_t catalogue_version;   /* 0 = the latest */
	const char *assessed_on;      /* "YYYY-MM-DD", not in the future; NULL = today */
	const char *summary;          /* NULL = none; up to 4000 characters */
} qt_assessment_new_t;

/* Records an assessment with all its ratings at once (admins and staff of
 * an office leading the project). */
qt_status_t qt_assessment_create(qt_client_t *c, const qt_assessment_new_t *in,
                                 qt_assessment_t *out);

qt_status_t qt_assessment_get(qt_client_t *c, int64_t id, qt_assessment_t *out);

/* The assessments of a project, newest first, without ratings and
 * missing criteria in full (free with qt_assessment_list_free()). */
qt_status_t qt_assessment_list(qt_client_t *c, int64_t project_id, qt_assessment_t **out,
                               size_t *n);
void qt_assessment_list_free(qt_assessment_t *list, size_t n);

/* ------------------------------------------------------------ continuation */

/* The building blocks of a continuation strategy (Verstetigung, chapter 9). */
typedef enum {
	QT_BLOCK_UNSPECIFIED = 0,
	QT_BLOCK_CITY_OVERALL_RESPONSIBILITY = 1,  /* Stadtverwaltung: Gesamtverantwortung */
	QT_BLOCK_STANDING_FACILITY = 2,            /* soziale Regeleinrichtung (Stadtteilhaus) */
	QT_BLOCK_ORGANISED_CIVIC_ENGAGEMENT = 3,   /* organisiertes Engagement (Verein) */
	QT_BLOCK_ESTABLISHED_NETWORK = 4,          /* etabliertes Netzwerk mit Hauptamtlichen */
	QT_BLOCK_DISTRICT_HEAD = 5,                /* Bezirksvorsteher*innen */
	QT_BLOCK_CITY_SERVICES = 6,                /* Dienste der Stadtverwaltung */
} qt_continuation_block_t;

typedef enum {
	QT_CONTINUATION_NONE = 0,      /* no plan yet */
	QT_CONTINUATION_PROPOSED = 1,  /* last set by the project's coordination */
	QT_CONTINUATION_AGREED = 2,    /* last set by a lead office or an admin */
} qt_continuation_status_t;

/* "city_overall_responsibility", ...; "proposed"/"agreed"; static
 * storage.  The parser returns UNSPECIFIED for unknown names. */
const char *qt_continuation_block_name(qt_continuation_block_t b);
qt_continuation_block_t qt_continuation_block_parse(const char *s);
const char *qt_continuation_status_name(qt_continuation_status_t s);

typedef struct qt_block_plan {
	qt_continuation_block_t block;
	char *responsible;            /* who takes the tasks */
	char *tasks;                  /* which tasks */
	char *resources;              /* with which resources; NULL if none */
} qt_block_plan_t;

typedef struct qt_continuation {
	int64_t project_id;
	char *project_name;
	char *project_end_date;       /* the project's end date, NULL if none */
	int64_t version;              /* 0: no plan yet */
	char *funding_ends_on;        /* "YYYY-MM-DD"; NULL if not known */
	char *summary;                /* NULL if none */
	qt_continuation_status_t status;
	int64_t updated_by;           /* account; 0 if none */
	int64_t updated_at;           /* unix seconds; 0 if no plan */
	qt_block_plan_t *blocks;      size_t n_blocks;  /* in the order of the enum */
} qt_continuation_t;

/* Frees everything inside p (not p itself); NULL is allowed. */
void qt_continuation_clear(qt_continuation_t *p);

typedef struct qt_block_plan_new {
	qt_continuation_block_t block;
	const char *responsible;      /* 1..200 characters */
	const char *tasks;            /* 1..4000 characters */
	const char *resources;        /* NULL = none; up to 4000 characters */
} qt_block_plan_new_t;

typedef struct qt_continuation_new {
	int64_t project_id;
	int64_t expected_version;     /* the version read; 0 when there is none yet */
	const char *funding_ends_on;  /* "YYYY-MM-DD"; NULL = not known */
	const char *summary;          /* NULL = none */
	const qt_block_plan_new_t *blocks;  size_t n_blocks;  /* each block at most once */
} qt_continuation_new_t;

/* Replaces the continuation plan of a project as a whole; a stale
 * expected_version is QT_CONFLICT.  Admins and staff of a lead office
 * (the plan is then agreed) and the project's coordinators (proposed). */
qt_status_t qt_continuation_set(qt_client_t *c, const qt_continuation_new_t *in,
                                qt_continuation_t *out);

/* The plan of a project (version 0 and no blocks if there is none). */
qt_status_t qt_continuation_get(qt_client_t *c, int64_t project_id, qt_continuation_t *out);

typedef struct qt_continuation_due {
	int64_t project_id;
	char *project_name;
	qt_project_status_t status;
	char *funding_ends_on;        /* the plan's date, else the project's end date */
	char **lead_office_names;     size_t n_lead_office_names;
	int has_plan_record;          /* a plan exists but names no building block */
} qt_continuation_due_t;

typedef struct qt_continuation_due_list {
	char *from_date;              /* today on the server */
	char *until_date;             /* today + months */
	qt_continuation_due_t *projects;  size_t n_projects;  /* by funding end, id */
} qt_continuation_due_list_t;

/* Frees everything inside l (not l itself); NULL is allowed. */
void qt_continuation_due_list_clear(qt_continuation_due_list_t *l);

/* Projects (neither ended nor continued) whose funding ends within the
 * next months (1..120) and whose continuation plan names no building
 * block.  Clear *out with qt_continuation_due_list_clear(). */
qt_status_t qt_continuation_due(qt_client_t *c, uint32_t months,
                                qt_continuation_due_list_t *out);

/* ------------------------------------------------------------ inter-office coordination (AGSP) */

/* Meetings of the inter-office coordination (ämterübergreifende
 * Kooperation): draft -> open (agenda published) -> in_progress -> closed
 * -> minutes_approved (read-only). */
typedef enum {
	QT_MEETING_UNSPECIFIED = 0,
	QT_MEETING_DRAFT = 1,
	QT_MEETING_OPEN = 2,
	QT_MEETING_IN_PROGRESS = 3,
	QT_MEETING_CLOSED = 4,
	QT_MEETING_MINUTES_APPROVED = 5,
} qt_meeting_status_t;

typedef enum {
	QT_ORIGIN_UNSPECIFIED = 0,
	QT_ORIGIN_BOTTOM_UP = 1,  /* from a quarter project, by its coordination */
	QT_ORIGIN_TOP_DOWN = 2,   /* a topic of an office */
} qt_agenda_origin_t;

typedef enum {
	QT_ITEM_UNSPECIFIED = 0,
	QT_ITEM_BACKLOG = 1,      /* on no agenda */
	QT_ITEM_SCHEDULED = 2,    /* on a meeting that has not dealt with it */
	QT_ITEM_CONCLUDED = 3,    /* information, decision or hand-over recorded */
} qt_item_status_t;

typedef enum {
	QT_OUTCOME_NONE = 0,         /* not dealt with yet */
	QT_OUTCOME_INFORMATION = 1,
	QT_OUTCOME_DECISION = 2,
	QT_OUTCOME_DEFERRAL = 3,
	QT_OUTCOME_HAND_OVER = 4,
	QT_OUTCOME_CARRIED_OVER = 5, /* not reached; set when the meeting closes */
} qt_outcome_t;

/* open -> acknowledged -> done | declined (with a reason). */
typedef enum {
	QT_HANDOVER_UNSPECIFIED = 0,
	QT_HANDOVER_OPEN = 1,
	QT_HANDOVER_ACKNOWLEDGED = 2,
	QT_HANDOVER_DONE = 3,
	QT_HANDOVER_DECLINED = 4,
} qt_handover_status_t;

/* Names as on the wire and the command line ("in_progress", "bottom_up",
 * "hand_over", ...), static storage; the parsers return the UNSPECIFIED
 * (or NONE) value for unknown names. */
const char *qt_meeting_status_name(qt_meeting_status_t s);
qt_meeting_status_t qt_meeting_status_parse(const char *s);
const char *qt_agenda_origin_name(qt_agenda_origin_t o);
qt_agenda_origin_t qt_agenda_origin_parse(const char *s);
const char *qt_item_status_name(qt_item_status_t s);
qt_item_status_t qt_item_status_parse(const char *s);
const char *qt_outcome_name(qt_outcome_t o);   /* "" for QT_OUTCOME_NONE */
qt_outcome_t qt_outcome_parse(const char *s);
const char *qt_handover_status_name(qt_handover_status_t s);
qt_handover_status_t qt_handover_status_parse(const char *s);

typedef struct qt_participant {
	int64_t office_id;   /* an invited office ... */
	int64_t person_id;   /* ... or person (exactly one is not 0) */
	char *name;
	int attended;
} qt_participant_t;

/* One item on one meeting. */
typedef struct qt_agenda_entry {
	int64_t meeting_id;
	int64_t item_id;
	uint32_t position;          /* 1 = first */
	qt_outcome_t outcome;       /* QT_OUTCOME_NONE: not dealt with yet */
	char *outcome_text;         /* NULL if none */
	int64_t handover_id;        /* 0 if none */
	int64_t recorded_at;        /* unix seconds; 0 if not recorded */
	char *item_title;
	char *meeting_title;
	int64_t meeting_starts_at;  /* unix seconds */
	qt_agenda_origin_t origin;
	char *origin_name;          /* the origin project or office */
	uint32_t requested_minutes; /* 0 if not given */
} qt_agenda_entry_t;

typedef struct qt_handover {
	int64_t id;
	int64_t version;
	int64_t item_id;
	int64_t meeting_id;
	int64_t lead_office_id;
	char *lead_office_name;
	int64_t *office_ids;        size_t n_office_ids;  /* participating */
	char *due_date;             /* YYYY-MM-DD */
	qt_handover_status_t status;
	char *note;                 /* what is handed over; NULL if none */
	char *reason;               /* declined: why; done: report; NULL if none */
	char *item_title;
	char *meeting_title;
	int64_t *project_ids;       size_t n_project_ids;
	int64_t acknowledged_by;    /* account; 0 if not yet */
	int64_t acknowledged_at;    /* unix seconds */
	int64_t closed_by;          /* account that reported done or declined */
	int64_t closed_at;
	int64_t created_at;
	int64_t updated_at;
} qt_handover_t;

typedef struct qt_meeting {
	int64_t id;
	int64_t version;
	char *title;
	qt_meeting_status_t status;
	int64_t starts_at;          /* unix seconds */
	int64_t ends_at;            /* unix seconds; 0 if open-ended */
	char *place;                /* NULL if none */
	int64_t organiser_office_id;
	char *organiser_office_name;
	int64_t *quarter_ids;       size_t n_quarter_ids;
	int64_t *district_ids;      size_t n_district_ids;
	int64_t *project_ids;       size_t n_project_ids;
	qt_participant_t *participants;  size_t n_participants;
	qt_agenda_entry_t *agenda;  size_t n_agenda;     /* by position; empty in lists */
	qt_handover_t *handovers;   size_t n_handovers;  /* made in it; empty in lists */
	int64_t created_at;
	int64_t updated_at;
} qt_meeting_t;

typedef struct qt_agenda_item {
	int64_t id;
	int64_t version;
	char *title;
	char *description;          /* NULL if none */
	qt_agenda_origin_t origin;
	int64_t origin_project_id;  /* bottom-up; 0 otherwise */
	int64_t origin_quarter_id;  /* bottom-up, optional */
	int64_t origin_office_id;   /* top-down; 0 otherwise */
	char *origin_name;
	int64_t proposed_by;        /* account; 0 for bootstrap data */
	int64_t *project_ids;       size_t n_project_ids;
	uint32_t requested_minutes; /* 0 if not given */
	qt_item_status_t status;
	int64_t meeting_id;         /* scheduled: the meeting; else 0 */
	uint32_t position;          /* scheduled: its place there */
	qt_agenda_entry_t *history; size_t n_history;  /* oldest first */
	int64_t created_at;
	int64_t updated_at;
} qt_agenda_item_t;

/* Free everything inside (not the struct itself); NULL is allowed. */
void qt_meeting_clear(qt_meeting_t *m);
void qt_agenda_item_clear(qt_agenda_item_t *it);
void qt_handover_clear(qt_handover_t *h);
void qt_meeting_list_free(qt_meeting_t *list, size_t n);
void qt_agenda_item_list_free(qt_agenda_item_t *list, size_t n);
void qt_handover_list_free(qt_handover_t *list, size_t n);

typedef struct qt_meeting_new {
	const char *title;              /* 1..200 characters */
	int64_t starts_at;              /* unix seconds */
	int64_t ends_at;                /* 0 = open-ended */
	const char *place;              /* NULL = none */
	int64_t organiser_office_id;    /* 0 = the office of the caller (office staff) */
	const int64_t *quarter_ids;     size_t n_quarter_ids;
	const int64_t *district_ids;    size_t n_district_ids;
	const int64_t *project_ids;     size_t n_project_ids;
	const int64_t *office_ids;      size_t n_office_ids;   /* invited offices */
	const int64_t *person_ids;      size_t n_person_ids;   /* invited persons */
} qt_meeting_new_t;

/* Admins, and office staff for meetings their office organises. */
qt_status_t qt_meeting_create(qt_client_t *c, const qt_meeting_new_t *in, qt_meeting_t *out);

/* A meeting with its agenda and the hand-overs made in it. */
qt_status_t qt_meeting_get(qt_client_t *c, int64_t id, qt_meeting_t *out);

typedef struct qt_meeting_filter {
	qt_meeting_status_t status;     /* UNSPECIFIED = any */
	int64_t organiser_office_id;    /* 0 = any */
	int64_t project_id;             /* 0 = any */
	int64_t from, until;            /* unix seconds; 0 = open */
	uint32_t limit;                 /* 0 = server default (100); at most 500 */
} qt_meeting_filter_t;

/* Meetings by start time (without agenda and hand-overs); free with
 * qt_meeting_list_free(). */
qt_status_t qt_meeting_list(qt_client_t *c, const qt_meeting_filter_t *f, qt_meeting_t **out,
                            size_t *n);

/* A partial update by the organising office. */
typedef struct qt_meeting_patch {
	int64_t id;
	int64_t expected_version;       /* stale -> QT_CONFLICT */
	const char *title;              /* NULL = unchanged */
	int64_t starts_at;              /* 0 = unchanged */
	int set_ends_at;                int64_t ends_at;   /* 0 clears */
	const char *place;              /* NULL = unchanged */
	int set_scope;
	const int64_t *quarter_ids;     size_t n_quarter_ids;
	const int64_t *district_ids;    size_t n_district_ids;
	const int64_t *project_ids;     size_t n_project_ids;
	int set_participants;
	const int64_t *office_ids;      size_t n_office_ids;
	const int64_t *person_ids;      size_t n_person_ids;
	int set_attended;               /* who attended, among the invited */
	const int64_t *attended_office_ids;  size_t n_attended_office_ids;
	const int64_t *attended_person_ids;  size_t n_attended_person_ids;
} qt_meeting_patch_t;

qt_status_t qt_meeting_update(qt_client_t *c, const qt_meeting_patch_t *p, qt_meeting_t *out);

/* Moves a meeting along its lifecycle (QT_FAILED_PRECONDITION if not
 * allowed).  Closing carries the items not reached back to the backlog. */
qt_status_t qt_meeting_transition(qt_client_t *c, int64_t id, int64_t expected_version,
                                  qt_meeting_status_t to, qt_meeting_t *out);

typedef struct qt_agenda_new {
	const char *title;              /* 1..200 characters */
	const char *description;        /* NULL = none */
	qt_agenda_origin_t origin;
	int64_t origin_project_id;      /* bottom-up: required */
	int64_t origin_quarter_id;      /* bottom-up: optional */
	int64_t origin_office_id;       /* top-down; 0 = the caller's office */
	const int64_t *project_ids;     size_t n_project_ids;  /* further linked projects */
	uint32_t requested_minutes;     /* 0 = not given; else 1..480 */
} qt_agenda_new_t;

/* Coordinators propose bottom-up items of their projects, office staff
 * top-down items of their office, admins either. */
qt_status_t qt_agenda_propose(qt_client_t *c, const qt_agenda_new_t *in, qt_agenda_item_t *out);

/* Puts an item on a meeting's agenda at a position (0: last), moves it,
 * or with meeting_id 0 takes it back to the backlog.  The organiser. */
qt_status_t qt_agenda_schedule(qt_client_t *c, int64_t item_id, int64_t meeting_id,
                               uint32_t position, qt_agenda_item_t *out);

typedef struct qt_agenda_outcome {
	int64_t meeting_id;
	int64_t item_id;
	qt_outcome_t outcome;           /* information, decision, deferral, hand_over */
	const char *text;               /* decision: required */
	int64_t lead_office_id;         /* hand_over: required */
	const int64_t *office_ids;      size_t n_office_ids;  /* hand_over: participating */
	const char *due_date;           /* hand_over: YYYY-MM-DD, not before the meeting */
} qt_agenda_outcome_t;

/* Records an outcome while the meeting is in progress or closed (the
 * organiser); a hand-over creates the hand-over. */
qt_status_t qt_agenda_outcome(qt_client_t *c, const qt_agenda_outcome_t *in,
                              qt_agenda_item_t *out);

typedef struct qt_agenda_filter {
	qt_item_status_t status;        /* UNSPECIFIED = the backlog (unless all or item_id) */
	int all;                        /* every status */
	int64_t project_id;             /* 0 = any */
	int64_t item_id;                /* 0 = any */
	uint32_t limit;                 /* 0 = server default (100) */
} qt_agenda_filter_t;

/* Agenda items by id, each with its history; free with
 * qt_agenda_item_list_free(). */
qt_status_t qt_agenda_backlog(qt_client_t *c, const qt_agenda_filter_t *f,
                              qt_agenda_item_t **out, size_t *n);

/* Moves a hand-over on (staff of its lead office, admins): to
 * acknowledged, then done (reason optional) or declined (reason needed). */
qt_status_t qt_handover_update(qt_client_t *c, int64_t id, int64_t expected_version,
                               qt_handover_status_t to, const char *reason, qt_handover_t *out);

typedef struct qt_handover_filter {
	int mine;                       /* office: addressed to it; coordinator: its projects */
	int64_t office_id;              /* lead or participating; 0 = any */
	int64_t project_id;             /* 0 = any */
	qt_handover_status_t status;    /* UNSPECIFIED = any */
	int64_t meeting_id;             /* 0 = any */
	int64_t id;                     /* one hand-over; 0 = any */
	uint32_t limit;                 /* 0 = server default (100) */
} qt_handover_filter_t;

/* Hand-overs by due date; free with qt_handover_list_free(). */
qt_status_t qt_handover_list(qt_client_t *c, const qt_handover_filter_t *f, qt_handover_t **out,
                             size_t *n);

/* ------------------------------------------------------------ goals and progress updates */

/* Goals per project (Zielsteuerung, chapter 4): SMART goals whose every
 * change is a new version, kept as evidence.  Admins and staff of a lead
 * office set goals directly (accepted); the project's coordinators
 * propose new goals and changes, which count once a lead office accepts
 * them.  Figures are exact decimals as text ("12.5", "-3"): an optional
 * minus, 1 to 14 digits, optionally a point and 1 to 4 digits. */

typedef enum {
	QT_GOAL_UNSPECIFIED = 0,
	QT_GOAL_PROPOSED = 1,  /* written by the coordination, not accepted yet */
	QT_GOAL_ACCEPTED = 2,  /* set or accepted by a lead office or an admin */
} qt_goal_state_t;

/* "proposed"/"accepted"; static storage. */
const char *qt_goal_state_name(qt_goal_state_t s);

typedef struct qt_goal_version {
	int64_t goal_id;
	int64_t version;              /* 1, 2, ... */
	char *statement;              /* the goal, specific to the quarter */
	char *indicator;              /* what is measured */
	char *baseline;               /* decimal; NULL if not known */
	char *target_value;           /* decimal */
	char *unit;                   /* e.g. "Personen" */
	char *due_date;               /* "YYYY-MM-DD" */
	char *note;                   /* why it was set or changed; NULL if none */
	qt_goal_state_t state;
	int64_t proposed_by;          /* account; 0: the host */
	char *proposed_by_name;       /* NULL if none */
	int64_t proposed_at;          /* unix seconds */
	int64_t accepted_by;          /* account; 0 while proposed or on the host */
	char *accepted_by_name;       /* NULL if none */
	int64_t accepted_at;          /* unix seconds; 0 while proposed */
} qt_goal_version_t;

typedef struct qt_goal {
	int64_t id;
	int64_t project_id;
	char *project_name;
	int64_t version;              /* the newest version = the number of versions */
	qt_goal_version_t current;    /* the newest version (may be a proposal) */
	int has_accepted;             /* whether accepted holds a version */
	qt_goal_version_t accepted;   /* the newest accepted version: the one that counts */
	int retired;
	int64_t retired_at;           /* unix seconds; 0 if not retired */
	int64_t retired_by;           /* account; 0 if none */
	char *retire_reason;          /* NULL if not retired */
	qt_goal_version_t *history;   size_t n_history;  /* qt_goal_get: oldest first */
	int64_t created_at;
	int64_t updated_at;
} qt_goal_t;

/* Frees everything inside g (not g itself); NULL is allowed. */
void qt_goal_clear(qt_goal_t *g);
void qt_goal_list_free(qt_goal_t *list, size_t n);

typedef struct qt_goal_new {
	int64_t project_id;
	const char *statement;        /* 1..2000 characters */
	const char *indicator;        /* 1..500 */
	const char *baseline;         /* decimal; NULL = not known */
	const char *target_value;     /* decimal */
	const char *unit;             /* 1..50 */
	const char *due_date;         /* "YYYY-MM-DD" */
	const char *note;             /* NULL = none; up to 2000 */
	int propose;                  /* 1: a proposal (coordinators must); 0: set directly */
} qt_goal_new_t;

qt_status_t qt_goal_create(qt_client_t *c, const qt_goal_new_t *in, qt_goal_t *out);

/* A new version on top of the newest one; NULL members keep its values. */
typedef struct qt_goal_patch {
	int64_t id;
	int64_t expected_version;     /* the newest version read; stale -> QT_CONFLICT */
	const char *statement;
	const char *indicator;
	const char *baseline;         /* NULL = unchanged, "" = clear */
	const char *target_value;
	const char *unit;
	const char *due_date;
	const char *note;             /* why it changes */
	int propose;
} qt_goal_patch_t;

qt_status_t qt_goal_change(qt_client_t *c, const qt_goal_patch_t *in, qt_goal_t *out);

/* Accepts the newest version, a proposal (admins, lead office). */
qt_status_t qt_goal_accept(qt_client_t *c, int64_t id, int64_t expected_version,
                           qt_goal_t *out);

/* Retires a goal with a reason (admins, lead office); it is kept. */
qt_status_t qt_goal_retire(qt_client_t *c, int64_t id, int64_t expected_version,
                           const char *reason, qt_goal_t *out);

/* A goal with every version (history). */
qt_status_t qt_goal_get(qt_client_t *c, int64_t id, qt_goal_t *out);

/* The goals of a project by id, without history; free with
 * qt_goal_list_free(). */
qt_status_t qt_goal_list(qt_client_t *c, int64_t project_id, int include_retired,
                         qt_goal_t **out, size_t *n);

/* Progress updates: submitted by the project's coordination for a
 * reporting period, approved or returned (with a comment) by the lead
 * office, revised after a return.  Nobody reviews their own update. */

typedef enum {
	QT_PROGRESS_UNSPECIFIED = 0,
	QT_PROGRESS_SUBMITTED = 1,
	QT_PROGRESS_APPROVED = 2,     /* final */
	QT_PROGRESS_RETURNED = 3,     /* for revision */
} qt_progress_state_t;

typedef enum {
	QT_PROGRESS_ACTION_UNSPECIFIED = 0,
	QT_PROGRESS_ACTION_SUBMIT = 1,
	QT_PROGRESS_ACTION_REVISE = 2,
	QT_PROGRESS_ACTION_APPROVE = 3,
	QT_PROGRESS_ACTION_RETURN = 4,
} qt_progress_action_t;

/* "submitted", "approved", "returned"; "submit", "revise", "approve",
 * "return"; static storage.  The parser returns UNSPECIFIED if unknown. */
const char *qt_progress_state_name(qt_progress_state_t s);
qt_progress_state_t qt_progress_state_parse(const char *s);
const char *qt_progress_action_name(qt_progress_action_t a);

typedef struct qt_progress_value {
	int64_t goal_id;
	char *actual_value;           /* decimal, in the goal's unit */
	char *note;                   /* NULL if none */
	int64_t goal_version;         /* the accepted version it was reported against */
	char *indicator;              /* of that version */
	char *unit;
	char *target_value;
} qt_progress_value_t;

typedef struct qt_progress_event {
	qt_progress_action_t action;
	int64_t account_id;           /* 0: the host */
	char *account_name;           /* NULL if none */
	int64_t at;                   /* unix seconds */
	char *comment;                /* NULL if none */
} qt_progress_event_t;

typedef struct qt_progress_update {
	int64_t id;
	int64_t project_id;
	char *project_name;
	int64_t version;
	char *period_from;            /* "YYYY-MM-DD", inclusive */
	char *period_to;
	qt_progress_state_t state;
	char *narrative;
	char *events;                 /* events held; NULL if none */
	char *participation;          /* NULL if none */
	char *topics;                 /* topics raised; NULL if none */
	qt_progress_value_t *values;  size_t n_values;    /* by goal id */
	int64_t submitted_by;         /* first submission; 0: the host */
	char *submitted_by_name;
	int64_t submitted_at;
	int64_t reviewed_by;          /* decision on the current submission; 0 if none */
	char *reviewed_by_name;
	int64_t reviewed_at;
	char *review_comment;
	qt_progress_event_t *history; size_t n_history;  /* oldest first */
	int64_t created_at;
	int64_t updated_at;
} qt_progress_update_t;

/* Frees everything inside u (not u itself); NULL is allowed. */
void qt_progress_update_clear(qt_progress_update_t *u);
void qt_progress_list_free(qt_progress_update_t *list, size_t n);

typedef struct qt_progress_value_new {
	int64_t goal_id;
	const char *actual_value;     /* decimal */
	const char *note;             /* NULL = none */
} qt_progress_value_new_t;

/* A new update (submit) or a returned one replaced as a whole (revise:
 * id and expected_version; project_id is not used). */
typedef struct qt_progress_new {
	int64_t project_id;           /* submit */
	int64_t id;                   /* revise */
	int64_t expected_version;     /* revise: stale -> QT_CONFLICT */
	const char *period_from;      /* "YYYY-MM-DD" */
	const char *period_to;        /* not before period_from */
	const char *narrative;        /* 1..20000 characters */
	const char *events;           /* NULL = none */
	const char *participation;    /* NULL = none */
	const char *topics;           /* NULL = none */
	const qt_progress_value_new_t *values;  size_t n_values;  /* each goal once, <= 100 */
} qt_progress_new_t;

qt_status_t qt_progress_submit(qt_client_t *c, const qt_progress_new_t *in,
                               qt_progress_update_t *out);
qt_status_t qt_progress_revise(qt_client_t *c, const qt_progress_new_t *in,
                               qt_progress_update_t *out);

typedef enum {
	QT_REVIEW_UNSPECIFIED = 0,
	QT_REVIEW_APPROVE = 1,
	QT_REVIEW_RETURN = 2,         /* needs a comment */
} qt_review_decision_t;

/* Approves or returns a submitted update (admins, lead office). */
qt_status_t qt_progress_review(qt_client_t *c, int64_t id, int64_t expected_version,
                               qt_review_decision_t decision, const char *comment,
                               qt_progress_update_t *out);

qt_status_t qt_progress_get(qt_client_t *c, int64_t id, qt_progress_update_t *out);

typedef struct qt_progress_filter {
	int64_t project_id;           /* 0 = any */
	qt_progress_state_t state;    /* UNSPECIFIED = any */
	int32_t year;                 /* periods overlapping it; 0 = any */
	uint32_t limit;               /* 0 = server default (100), at most 500 */
} qt_progress_filter_t;

/* Updates by period, those the caller may read; free with
 * qt_progress_list_free(). */
qt_status_t qt_progress_list(qt_client_t *c, const qt_progress_filter_t *f,
                             qt_progress_update_t **out, size_t *n);

/* The annual report (Jahresbericht) of a project for a year. */
typedef struct qt_annual_report {
	int32_t year;
	qt_project_t project;
	qt_goal_t *goals;             size_t n_goals;     /* with an accepted version */
	qt_progress_update_t *updates; size_t n_updates;  /* approved, period overlaps the year */
	qt_fund_t *funds;             size_t n_funds;     /* the project's funds of the year */
	qt_continuation_t continuation;                   /* version 0: no plan */
	int64_t generated_at;         /* unix seconds */
} qt_annual_report_t;

/* Frees everything inside r (not r itself); NULL is allowed. */
void qt_annual_report_clear(qt_annual_report_t *r);

qt_status_t qt_annual_report(qt_client_t *c, int64_t project_id, int32_t year,
                             qt_annual_report_t *out);

/* ------------------------------------------------------------ account administration */

/* What qt_account_update() changes; zero-initialise and set what changes
 * (at least one of set_disabled, display_name, role). */
typedef struct qt_account_change {
	int64_t id;                /* the account */
	int set_disabled;          /* change the disabled flag to `disabled` */
	int disabled;              /* 1: disable (revokes its sessions), 0: enable */
	const char *display_name;  /* NULL: unchanged */
	qt_role_t role;            /* QT_ROLE_UNSPECIFIED: unchanged; otherwise the new role, */
	int64_t office_id;         /*   with its scope as for qt_account_create(): */
	int64_t organisation_id;   /*   office, organisation or district (0 = none), */
	int64_t district_id;       /*   which replaces the old one */
} qt_account_change_t;

/* Changes an account (admins only).  Disabling logs the account out at
 * once on the server answering (and its sessions cannot be resumed
 * anywhere).  The last enabled admin can be neither disabled nor demoted
 * (QT_FAILED_PRECONDITION).  out (may be NULL) receives the account;
 * clear with qt_account_clear(). */
qt_status_t qt_account_update(qt_client_t *c, const qt_account_change_t *in,
                              qt_account_t *out);

/* Sets a new password (8..1024 bytes; admins only).  The account's
 * sessions stay valid: call qt_account_revoke_sessions() too if the old
 * password leaked.  out may be NULL. */
qt_status_t qt_account_reset_password(qt_client_t *c, int64_t id,
                                      const char *password, qt_account_t *out);

/* Ends every session of the account (admins only).  *sessions (may be
 * NULL) receives how many unexpired sessions were ended, *connections (may
 * be NULL) how many connections of the answering server were logged out. */
qt_status_t qt_account_revoke_sessions(qt_client_t *c, int64_t id,
                                       uint32_t *sessions, uint32_t *connections);

/* Lifts the lock of the account's login and forgets its failed login
 * attempts (admins only).  *was_locked and *failures (either may be NULL)
 * receive whether it was locked and how many failures were forgotten. */
qt_status_t qt_account_unlock(qt_client_t *c, int64_t id, int *was_locked,
                              uint32_t *failures);

/* An account whose login has failed attempts counted, or is locked. */
typedef struct qt_account_lockout {
	int64_t account_id;
	char *login;
	uint32_t failures;         /* failed attempts counted */
	int64_t last_attempt_at;   /* unix seconds */
	int locked;
	int64_t locked_until;      /* unix seconds; 0 while locked: until unlocked */
} qt_account_lockout_t;

/* Lists them (admins only).  *out is a new array of *n entries; free with
 * qt_account_lockouts_free(). */
qt_status_t qt_account_lockouts(qt_client_t *c, qt_account_lockout_t **out, size_t *n);
void qt_account_lockouts_free(qt_account_lockout_t *list, size_t n);

/* ------------------------------------------------------------ server statistics */

/* One request type in qt_admin_stats_t. */
typedef struct qt_request_stats {
	char *type;                /* e.g. "project.update" */
	uint64_t count;            /* answered requests */
	uint64_t by_status[16];    /* by status value (QT_OK ... QT_UNSUPPORTED_VERSION) */
	double seconds_sum;        /* their total latency */
	uint64_t *buckets;         /* cumulative counts, one per latency bound */
	size_t n_buckets;
} qt_request_stats_t;

/* The figures of the server's Prometheus page. */
typedef struct qt_admin_stats {
	int64_t started_at;        /* unix seconds */
	int ready;
	uint32_t conn_open;
	uint64_t conn_accepted, conn_refused;
	uint64_t tls_handshakes, tls_failures;
	uint64_t protocol_errors, logins_failed;
	uint32_t db_size, db_connected, db_in_use, db_waiting;
	uint64_t db_errors, db_reconnects;
	uint32_t hash_running, hash_queued;
	double *latency_bounds;    /* seconds; +Inf implied after the last */
	size_t n_latency_bounds;
	qt_request_stats_t *requests;
	size_t n_requests;
} qt_admin_stats_t;

/* Frees everything inside s (not s itself); NULL is allowed. */
void qt_admin_stats_clear(qt_admin_stats_t *s);

/* The statistics of the server this client is connected to (admins only);
 * clear with qt_admin_stats_clear(). */
qt_status_t qt_admin_stats(qt_client_t *c, qt_admin_stats_t *out);


/* ------------------------------------------------------------ sync: replica and outbox
 *
 * A store (qt_store_t) is one SQLite file per server and account (see
 * qt_store_default_path()): the replica of the records the account may
 * read, the feed cursor it corresponds to, and the outbox of changes not
 * yet confirmed by the server.  Every page of the feed is applied in one
 * transaction together with its cursor (WAL, synchronous=FULL), so a
 * process killed at any moment leaves a store that opens and resumes from
 * a cursor whose changes it really holds.  A store must not be used by two
 * threads at once; two processes may open the same file (SQLite locks it;
 * a writer waits up to 10 s for the other).
 *
 * Errors: functions taking only a store record details on the store
 * (qt_store_last_error()); functions taking a client and a store record
 * them on the client (qt_client_last_error()). */

typedef struct qt_store qt_store_t;

/* The kinds of synced records; the values are those of the protocol's
 * RecordType, and a record's body is the serialized protocol message named
 * in proto/quartier.proto (Project, Person, ...). */
typedef enum {
	QT_RECORD_UNSPECIFIED = 0,
	QT_RECORD_DISTRICT = 1,
	QT_RECORD_QUARTER = 2,
	QT_RECORD_OFFICE = 3,
	QT_RECORD_ORGANISATION = 4,
	QT_RECORD_PROJECT = 10,
	QT_RECORD_PERSON = 11,
	QT_RECORD_MEMBERSHIP = 12,
	QT_RECORD_FUND = 13,
	QT_RECORD_FUND_ENTRY = 14,
	QT_RECORD_ASSESSMENT = 15,
	QT_RECORD_CONTINUATION = 16,
	QT_RECORD_MEETING = 17,
	QT_RECORD_AGENDA_ITEM = 18,
	QT_RECORD_HANDOVER = 19,
	QT_RECORD_GOAL = 20,
	QT_RECORD_PROGRESS_UPDATE = 21,
} qt_record_type_t;

/* "project", "fund_entry", ...; static storage; "unknown" otherwise. */
const char *qt_record_type_name(qt_record_type_t t);
/* Parses a name of qt_record_type_name(); QT_RECORD_UNSPECIFIED if unknown. */
qt_record_type_t qt_record_type_parse(const char *s);

typedef enum {
	QT_SCOPE_ALL = 0,       /* everything the account may read */
	QT_SCOPE_PROJECT = 1,   /* one project and what hangs off it */
	QT_SCOPE_QUARTER = 2,
	QT_SCOPE_DISTRICT = 3,
	QT_SCOPE_OFFICE = 4,
} qt_scope_kind_t;

typedef struct qt_scope {
	qt_scope_kind_t kind;
	int64_t id;             /* 0 for QT_SCOPE_ALL */
} qt_scope_t;

/* Parses "all", "project:N", "quarter:N", "district:N" or "office:N".
 * Returns QT_OK or QT_INVALID_ARGUMENT (*out untouched). */
qt_status_t qt_scope_parse(const char *s, qt_scope_t *out);
/* Writes the text form of qt_scope_parse() into buf (at most len bytes);
 * returns buf. */
const char *qt_scope_format(const qt_scope_t *sc, char *buf, size_t len);

/* The default file of the store of account login on host:port:
 * $XDG_DATA_HOME/quartier/<host>-<port>-<login>.db (XDG_DATA_HOME
 * defaults to ~/.local/share); host and login are made file-name safe.
 * *out is a new string (caller frees).  With mkdir, missing directories
 * are created (mode 0700). */
qt_status_t qt_store_default_path(const char *host, uint16_t port, const char *login,
                                  int mkdir, char **out);

/* Opens the store in path, creating it (mode 0600) if create is set.
 * instance_id (borrowed; may be NULL for read-only uses) is the client
 * instance id the outbox's mutations are sent under; the first one is kept
 * in the file.  On success *out is a new handle (close with
 * qt_store_close()).  On failure a message goes to err_buf (at most
 * err_len bytes); QT_NOT_FOUND if the file does not exist and create is 0. */
qt_status_t qt_store_open(const char *path, int create, const char *instance_id,
                          qt_store_t **out, char *err_buf, size_t err_len);

/* Closes the store; NULL is allowed. */
void qt_store_close(qt_store_t *s);

/* Clears the replica (records, cursor, snapshot in progress; not the
 * outbox): the next qt_sync() takes a new snapshot. */
qt_status_t qt_store_reset(qt_store_t *s);

/* The error of the last failed store-only call (borrowed from s). */
const qt_error_t *qt_store_last_error(const qt_store_t *s);

typedef struct qt_store_info {
	char *path;               /* the file */
	char *instance_id;        /* client instance id of the outbox; NULL if none yet */
	qt_scope_t scope;         /* of the replica */
	int has_cursor;           /* the replica holds a complete snapshot plus changes */
	char *cursor;             /* "epoch/xid/seq", NULL if none */
	int snapshot_in_progress; /* an initial sync was interrupted; it resumes */
	int64_t last_sync;        /* unix seconds of the last successful sync; 0 never */
	uint64_t records;         /* records in the replica */
	uint64_t outbox_queued;   /* changes waiting to be sent */
	uint64_t outbox_conflicted;
	uint64_t outbox_failed;
} qt_store_info_t;

/* Fills *out (clear with qt_store_info_clear()). */
qt_status_t qt_store_info(qt_store_t *s, qt_store_info_t *out);
void qt_store_info_clear(qt_store_info_t *info);

/* One record of the replica. */
typedef struct qt_record {
	qt_record_type_t type;
	int64_t id;
	uint8_t *body;            /* the serialized message of the type; owned */
	size_t body_len;
} qt_record_t;

/* The record (type, id) of the replica into *out (clear with
 * qt_record_clear()); QT_NOT_FOUND if the replica does not hold it. */
qt_status_t qt_store_get(qt_store_t *s, qt_record_type_t type, int64_t id, qt_record_t *out);
void qt_record_clear(qt_record_t *r);

/* All records of type in ascending id order: *out is a new array of *n
 * records (free with qt_record_list_free()). */
qt_status_t qt_store_list(qt_store_t *s, qt_record_type_t type, qt_record_t **out, size_t *n);
void qt_record_list_free(qt_record_t *list, size_t n);

/* The record as a JSON object (field names of the protocol, enums by name)
 * into a new string *out (caller frees). */
qt_status_t qt_record_json(const qt_record_t *r, char **out);

/* Offline reads of projects: one from the replica (QT_NOT_FOUND if it does
 * not hold it), or the page of those matching f (ascending ids, after
 * f->after_id, at most f->page_size when not 0; *next_after_id as in
 * qt_project_list()).  Results as from the server's calls. */
qt_status_t qt_store_project_get(qt_store_t *s, int64_t id, qt_project_t *out);
qt_status_t qt_store_project_list(qt_store_t *s, const qt_project_filter_t *f,
                                  qt_project_t **out, size_t *n, int64_t *next_after_id);

/* Progress of a sync, for a progress bar. */
typedef struct qt_sync_progress {
	int snapshot;             /* 1 while paging a snapshot, 0 while pulling changes */
	uint64_t records;         /* records applied so far in this run */
	uint64_t total;           /* snapshot: records of the scope if known, else 0 */
} qt_sync_progress_t;

/* Called after every applied page; p is borrowed for the call. */
typedef void (*qt_sync_progress_cb)(const qt_sync_progress_t *p, void *arg);

typedef struct qt_sync_stats {
	uint64_t snapshot_records;  /* records stored by a snapshot */
	uint64_t changed;           /* records changed by the feed */
	uint64_t deleted;           /* tombstones applied */
	int snapshot;               /* a snapshot was taken (or resumed) */
	int resync;                 /* the server asked for a resync: the replica started over */
	char *resync_reason;        /* owned; NULL if none */
} qt_sync_stats_t;

void qt_sync_stats_clear(qt_sync_stats_t *st);

/* Brings the replica up to the server's head: a snapshot if it has no
 * cursor yet (resuming an interrupted one at its stored position), then
 * changes from its cursor until the server has no more.  A resync answer
 * clears the records and starts over with a snapshot.  scope NULL keeps the
 * replica's scope; another scope than the replica's starts over.  progress
 * may be NULL.  stats (may be NULL) is written on success and on failure
 * (what was applied before it); clear it with qt_sync_stats_clear(). */
qt_status_t qt_sync(qt_client_t *c, qt_store_t *s, const qt_scope_t *scope,
                    qt_sync_progress_cb progress, void *arg, qt_sync_stats_t *stats);

/* One page applied by qt_watch(); borrowed for the callback. */
typedef struct qt_watch_page {
	const qt_record_t *records; /* bodies NULL for deleted ones */
	const int *deleted;         /* per record: 1 for a tombstone */
	size_t n;
	const char *cursor;         /* the cursor stored with the page */
	int overflow;               /* the subscription was dropped and renewed first */
} qt_watch_page_t;

/* Return non-zero to end qt_watch() (it then returns QT_OK). */
typedef int (*qt_watch_cb)(const qt_watch_page_t *page, void *arg);

/* Syncs (as qt_sync()), subscribes and applies every pushed page until cb
 * returns non-zero, *stop becomes non-zero (checked at least every
 * second; stop may be NULL) or the connection fails (its status is
 * returned; reconnecting is the caller's choice).  After an overflow it
 * pulls from the replica's cursor and subscribes again.  Pings the server
 * every 60 s of silence so that the connection stays open. */
qt_status_t qt_watch(qt_client_t *c, qt_store_t *s, const qt_scope_t *scope, qt_watch_cb cb,
                     void *arg, const volatile int *stop);

/* A difference found by qt_verify(). */
typedef struct qt_verify_sum {
	qt_record_type_t type;
	uint64_t local_count, server_count;
	uint64_t local_checksum, server_checksum;
} qt_verify_sum_t;

/* Pulls the replica to the server's head and compares per record type the
 * count and checksum (sum mod 2^64 of the first 8 bytes, big-endian, of
 * SHA-256(be64(type) || be64(id) || body)) with the server's.  *out is a
 * new array of *n entries, one per type either side has (free with
 * free()); *diverged is the number of entries that differ.  *settled is 0
 * if the registry kept changing while it compared (run again). */
qt_status_t qt_verify(qt_client_t *c, qt_store_t *s, qt_verify_sum_t **out, size_t *n,
                      size_t *diverged, int *settled);

/* The checksum term of one record (see qt_verify()). */
uint64_t qt_record_checksum(qt_record_type_t type, int64_t id, const uint8_t *body, size_t len);

/* Compares two cursors "epoch/xid/seq" of one epoch: <0, 0, >0.  Cursors
 * of different epochs (or unparsable ones) compare by their text. */
int qt_cursor_cmp(const char *a, const char *b);

/* ------------------------------------------------------------ the outbox
 *
 * With a store attached (qt_client_set_store()), every call of the
 * library that changes a synced record (project_create, project_update,
 * fund_entry_add, ...; not logins and not account administration) goes
 * through the outbox: the request is stored durably first with the next
 * mutation sequence number, then sent with it (the pair client instance
 * id + sequence names the change once and for all; the server never
 * applies it twice).  The answer settles the entry: done (the cursor at
 * which its effect appears is kept), conflicted (QT_CONFLICT: someone
 * changed the record meanwhile; the server's error is kept) or failed
 * (another error that retrying cannot fix; status, message and field are
 * kept).  If the connection fails or the answer is lost the entry stays
 * queued and the call fails with QT_UNAVAILABLE and qt_client_queued()
 * names the entry; qt_outbox_replay() sends it again later.  Nothing is
 * dropped: only qt_outbox_discard() removes an unsent change. */

typedef enum {
	QT_OUTBOX_QUEUED = 0,     /* stored, not yet confirmed; -> done, conflicted, failed */
	QT_OUTBOX_DONE = 1,       /* applied by the server (final) */
	QT_OUTBOX_CONFLICTED = 2, /* refused as stale; -> queued by qt_outbox_retry() */
	QT_OUTBOX_FAILED = 3,     /* refused otherwise; -> queued by qt_outbox_retry() */
} qt_outbox_state_t;

/* "queued", "done", "conflicted", "failed"; static storage. */
const char *qt_outbox_state_name(qt_outbox_state_t st);

typedef struct qt_outbox_entry {
	int64_t id;               /* the entry's number (#N), stable */
	uint64_t seq;             /* mutation sequence it is (or was last) sent with */
	qt_outbox_state_t state;
	char *request_type;       /* the request's name, e.g. "project_update" */
	qt_record_type_t target_type; /* the record the change addresses, if known */
	int64_t target_id;        /* 0 if none (e.g. a create) */
	int64_t expected_version; /* the version the change is based on; -1 if none */
	char *change_json;        /* the queued request as JSON */
	int64_t queued_at;        /* unix seconds */
	int64_t sent_at;          /* last attempt; 0 never */
	unsigned attempts;
	char *cursor;             /* done: where its effect appears; NULL otherwise */
	qt_status_t error_status; /* conflicted/failed: the server's error */
	char *error_message;      /* NULL if none */
	char *error_field;        /* NULL if none */
} qt_outbox_entry_t;

void qt_outbox_entry_clear(qt_outbox_entry_t *e);
void qt_outbox_list_free(qt_outbox_entry_t *list, size_t n);

/* The entries in the order they are sent (by seq); done ones only with
 * include_done.  *out is a new array of *n entries. */
qt_status_t qt_outbox_list(qt_store_t *s, int include_done, qt_outbox_entry_t **out, size_t *n);

/* One entry into *out (QT_NOT_FOUND if there is none #id). */
qt_status_t qt_outbox_get(qt_store_t *s, int64_t id, qt_outbox_entry_t *out);

/* Removes a queued, conflicted or failed entry: the change is given up.
 * QT_FAILED_PRECONDITION for a done one, QT_NOT_FOUND if there is none. */
qt_status_t qt_outbox_discard(qt_store_t *s, int64_t id);

/* Attaches a store (borrowed; it must outlive the attachment) to c as its
 * outbox; NULL detaches. */
void qt_client_set_store(qt_client_t *c, qt_store_t *s);

/* The entry (#N) the last failed call of c left queued in the outbox, or 0. */
int64_t qt_client_queued(const qt_client_t *c);

/* A handle without a connection, for working offline with store s
 * (borrowed, attached as with qt_client_set_store()): changes are queued in
 * the outbox (the call fails with QT_UNAVAILABLE and qt_client_queued()
 * names the entry).  With serve_reads, reads the replica can answer
 * (project_get, project_list, person_get, fund_get, goal_get, meeting_get,
 * assessment_get, continuation_get, progress_get) come from it; others
 * fail with QT_UNAVAILABLE.  *out is freed with qt_client_free(). */
qt_status_t qt_client_offline(qt_store_t *s, int serve_reads, qt_client_t **out);

/* Whether c is an offline handle of qt_client_offline(). */
int qt_client_is_offline(const qt_client_t *c);

typedef struct qt_replay_stats {
	unsigned sent;            /* entries sent in this run */
	unsigned done;
	unsigned conflicted;
	unsigned failed;
	unsigned queued;          /* still queued (the connection failed) */
} qt_replay_stats_t;

/* Sends the queued entries of s in order over c; conflicted and failed
 * ones are skipped (they block nothing).  Stops at the first connection
 * failure (its status is returned; the rest stays queued).  stats may be
 * NULL. */
qt_status_t qt_outbox_replay(qt_client_t *c, qt_store_t *s, qt_replay_stats_t *stats);

/* Queues a conflicted or failed entry again with a new sequence number
 * and sends it.  With rebase, the expected version of the change is first
 * set to the version of the record the replica holds now (sync before, so
 * that it is the server's current one): the change is re-applied on top of
 * the other one.  Returns the status of the send (QT_OK when applied). */
qt_status_t qt_outbox_retry(qt_client_t *c, qt_store_t *s, int64_t id, int rebase);

#ifdef __cplusplus
}
#endif

#endif
