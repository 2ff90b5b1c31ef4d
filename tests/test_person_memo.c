/* Unit tests of server/person_memo.c: the memo a snapshot keeps of the
 * persons it rendered.  One memo per connection, bound to its snapshot's
 * key; persons found by id as they were put; the per-connection and the
 * server-wide bound on its memory, and the server's count of it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "person_memo.h"

typedef struct fixture {
	server_t *srv;
	conn_t c;
} fixture_t;

static void fixture_init(fixture_t *f)
{
	f->srv = calloc(1, sizeof(*f->srv));
	cr_assert_not_null(f->srv);
	memset(&f->c, 0, sizeof(f->c));
	f->c.srv = f->srv;
}

static void fixture_fini(fixture_t *f)
{
	person_memo_drop(&f->c);
	cr_assert_eq(f->srv->person_memo_bytes, 0, "the server's count returns to 0");
	free(f->srv);
}

/* A person of id with a name of name_len characters (at least its
 * prefix "Person <id> "). */
static void put_person(person_memo_t *m, int64_t id, size_t name_len)
{
	Quartier__V1__Person p = QUARTIER__V1__PERSON__INIT;
	char *name = malloc(name_len + 32);
	size_t k = (size_t)snprintf(name, name_len + 32, "Person %lld ", (long long)id);

	for (; k < name_len; k++)
		name[k] = (char)('a' + (int)((id + (int64_t)k) % 26));
	name[k] = '\0';
	p.id = id;
	p.version = id % 7 + 1;
	p.name = name;
	p.email = "x@example.org";
	p.has_contact_visible = 1;
	p.contact_visible = id % 2 == 0;
	person_memo_put(m, &p);
	free(name);
}

/* Whether the memo holds the person put_person() put for id. */
static int holds(const person_memo_t *m, int64_t id)
{
	const uint8_t *data;
	size_t len;
	Quartier__V1__Person *p;
	char prefix[48];
	int ok;

	if (!person_memo_lookup(m, id, &data, &len))
		return 0;
	p = quartier__v1__person__unpack(NULL, len, data);
	cr_assert_not_null(p, "person %lld unpacks", (long long)id);
	snprintf(prefix, sizeof(prefix), "Person %lld ", (long long)id);
	ok = p->id == id && p->version == id % 7 + 1 && strncmp(p->name, prefix, strlen(prefix)) == 0 &&
	     p->has_contact_visible && p->contact_visible == (id % 2 == 0);
	quartier__v1__person__free_unpacked(p, NULL);
	cr_assert(ok, "person %lld comes back as it was put", (long long)id);
	return 1;
}

Test(person_memo, one_memo_per_snapshot_key)
{
	fixture_t f;
	uint64_t g1, g2, g3;

	fixture_init(&f);
	g1 = person_memo_open(&f.c, 7, "abc.1", 100, 0);
	cr_assert_neq(g1, 0);
	cr_assert_eq(person_memo_open(&f.c, 7, "abc.1", 100, 0), g1, "same key, same memo");
	put_person(person_memo_get(&f.c, g1), 5, 20);
	cr_assert(holds(person_memo_get(&f.c, g1), 5));

	/* Another cursor, epoch or account: a new, empty memo; the old
	 * generation is no longer found. */
	g2 = person_memo_open(&f.c, 7, "abc.1", 101, 0);
	cr_assert(g2 != 0 && g2 != g1);
	cr_assert_null(person_memo_get(&f.c, g1));
	cr_assert(!holds(person_memo_get(&f.c, g2), 5));
	g3 = person_memo_open(&f.c, 7, "abc.2", 101, 0);
	cr_assert(g3 != 0 && g3 != g2);
	cr_assert_neq(person_memo_open(&f.c, 8, "abc.2", 101, 0), g3);
	cr_assert_null(person_memo_get(&f.c, 0), "generation 0 is no memo");

	/* Closing another generation leaves the memo; its own frees it. */
	g3 = person_memo_open(&f.c, 8, "abc.2", 101, 0);
	person_memo_close(&f.c, g1);
	cr_assert_not_null(person_memo_get(&f.c, g3));
	person_memo_close(&f.c, g3);
	cr_assert_null(person_memo_get(&f.c, g3));
	cr_assert_null(f.c.memo);
	cr_assert_eq(f.srv->person_memo_bytes, 0);
	cr_assert_eq(person_memo_count(NULL), 0);
	cr_assert_eq(person_memo_lookup(NULL, 5, &(const uint8_t *){0}, &(size_t){0}), 0);
	fixture_fini(&f);
}

Test(person_memo, finds_every_person_as_put_across_growth)
{
	fixture_t f;
	person_memo_t *m;
	size_t bytes_before;

	fixture_init(&f);
	m = person_memo_get(&f.c, person_memo_open(&f.c, 1, "e", 1, 0));
	cr_assert_not_null(m);
	/* Ids spread like a registry's, enough to grow table and buffer
	 * several times. */
	for (int64_t i = 1; i <= 20000; i++)
		put_person(m, i * 3 + (i % 5) * 100000, 40);
	cr_assert_eq(person_memo_count(m), 20000);
	for (int64_t i = 1; i <= 20000; i++)
		cr_assert(holds(m, i * 3 + (i % 5) * 100000), "person %lld", (long long)i);
	cr_assert(!holds(m, 1), "an id never put");
	cr_assert(!holds(m, 0));
	cr_assert(!holds(m, -3));

	/* A person is kept as first put. */
	bytes_before = f.srv->person_memo_bytes;
	put_person(m, 3 + 100000, 400);
	cr_assert_eq(person_memo_count(m), 20000);
	cr_assert(holds(m, 3 + 100000));
	cr_assert_eq(f.srv->person_memo_bytes, bytes_before);
	cr_assert_gt(bytes_before, 20000 * 40, "the server counts the memo's memory");
	fixture_fini(&f);
}

Test(person_memo, stops_adding_at_its_own_bound)
{
	fixture_t f;
	person_memo_t *m;
	int64_t id = 0;

	fixture_init(&f);
	m = person_memo_get(&f.c, person_memo_open(&f.c, 1, "e", 1, 0));
	/* 4 KiB persons: more than fit in PERSON_MEMO_MAX_BYTES. */
	while (++id <= (int64_t)(2 * PERSON_MEMO_MAX_BYTES / 4096))
		put_person(m, id, 4096);
	cr_assert_lt(person_memo_count(m), (size_t)id - 1, "it stopped adding");
	cr_assert_gt(person_memo_count(m), PERSON_MEMO_MAX_BYTES / 4096 / 4, "it held many");
	cr_assert_leq(f.srv->person_memo_bytes, PERSON_MEMO_MAX_BYTES);
	/* What it holds it still finds; what it refused it does not. */
	cr_assert(holds(m, 1));
	cr_assert(holds(m, (int64_t)person_memo_count(m)));
	cr_assert(!holds(m, id - 1));
	fixture_fini(&f);
}

Test(person_memo, respects_the_servers_bound)
{
	fixture_t f, other;
	person_memo_t *m;

	fixture_init(&f);
	/* Nearly all of the server's allowance is taken by other memos. */
	f.srv->person_memo_bytes = PERSON_MEMO_SERVER_MAX_BYTES - 1000;
	cr_assert_eq(person_memo_open(&f.c, 1, "e", 1, 0), 0, "no room for a new memo");
	f.srv->person_memo_bytes = PERSON_MEMO_SERVER_MAX_BYTES - 64 * 1024;
	m = person_memo_get(&f.c, person_memo_open(&f.c, 1, "e", 1, 0));
	cr_assert_not_null(m, "room for the table");
	put_person(m, 1, 100);
	cr_assert(!holds(m, 1), "no room for the buffer");
	cr_assert_leq(f.srv->person_memo_bytes, PERSON_MEMO_SERVER_MAX_BYTES);
	person_memo_drop(&f.c);
	cr_assert_eq(f.srv->person_memo_bytes, PERSON_MEMO_SERVER_MAX_BYTES - 64 * 1024);
	f.srv->person_memo_bytes = 0;

	/* Two connections' memos count together. */
	memset(&other.c, 0, sizeof(other.c));
	other.c.srv = f.srv;
	put_person(person_memo_get(&f.c, person_memo_open(&f.c, 1, "e", 1, 0)), 1, 100);
	put_person(person_memo_get(&other.c, person_memo_open(&other.c, 2, "e", 1, 0)), 1, 100);
	cr_assert(holds(f.c.memo, 1) && holds(other.c.memo, 1));
	person_memo_drop(&f.c);
	cr_assert_gt(f.srv->person_memo_bytes, 0, "the other memo is still counted");
	person_memo_drop(&other.c);
	fixture_fini(&f);
}
