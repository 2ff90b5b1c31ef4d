/* Persons rendered during one snapshot of one connection (person_memo.h).
 *
 * An open-addressing table of person ids (linear probing, at most half
 * full) pointing into one growing buffer of packed Person messages. */
#include <stdlib.h>
#include <string.h>

#include "person_memo.h"

typedef struct memo_slot {
	int64_t id;                     /* 0: empty (ids are positive) */
	uint32_t off, len;              /* the packed person in buf */
} memo_slot_t;

struct person_memo {
	server_t *srv;                  /* borrowed: counts the memo's bytes */
	uint64_t gen;
	int64_t account_id;
	char epoch[33];
	uint64_t xid, seq;
	memo_slot_t *slots;             /* owned; nslots is a power of two */
	size_t nslots, used;
	uint8_t *buf;                   /* owned */
	size_t buf_len, buf_cap;
};

static size_t memo_bytes(const person_memo_t *m)
{
	return m->nslots * sizeof(memo_slot_t) + m->buf_cap;
}

/* Whether the memo may grow by more bytes, within its own bound and the
 * server's. */
static int memo_may_grow(const person_memo_t *m, size_t more)
{
	return memo_bytes(m) + more <= PERSON_MEMO_MAX_BYTES &&
	       m->srv->person_memo_bytes + more <= PERSON_MEMO_SERVER_MAX_BYTES;
}

static size_t memo_hash(int64_t id, size_t nslots)
{
	uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15u;

	return (size_t)(h >> 32) & (nslots - 1);
}

static memo_slot_t *memo_slot(memo_slot_t *slots, size_t nslots, int64_t id)
{
	size_t i = memo_hash(id, nslots);

	while (slots[i].id != 0 && slots[i].id != id)
		i = (i + 1) & (nslots - 1);
	return &slots[i];
}

static void memo_free(person_memo_t *m)
{
	if (m == NULL)
		return;
	m->srv->person_memo_bytes -= memo_bytes(m);
	free(m->slots);
	free(m->buf);
	free(m);
}

void person_memo_drop(conn_t *c)
{
	memo_free(c->memo);
	c->memo = NULL;
}

uint64_t person_memo_open(conn_t *c, int64_t account_id, const char *epoch, uint64_t xid,
                          uint64_t seq)
{
	person_memo_t *m = c->memo;

	if (m != NULL && m->account_id == account_id && m->xid == xid && m->seq == seq &&
	    strcmp(m->epoch, epoch) == 0)
		return m->gen;
	person_memo_drop(c);
	if (strlen(epoch) >= sizeof(m->epoch))
		return 0;
	if (c->srv->person_memo_bytes + 1024 * sizeof(memo_slot_t) > PERSON_MEMO_SERVER_MAX_BYTES)
		return 0;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return 0;
	m->nslots = 1024;
	m->slots = calloc(m->nslots, sizeof(*m->slots));
	if (m->slots == NULL) {
		free(m);
		return 0;
	}
	m->srv = c->srv;
	m->srv->person_memo_bytes += memo_bytes(m);
	m->gen = ++c->memo_gens;
	m->account_id = account_id;
	strcpy(m->epoch, epoch);
	m->xid = xid;
	m->seq = seq;
	c->memo = m;
	return m->gen;
}

person_memo_t *person_memo_get(conn_t *c, uint64_t gen)
{
	return gen != 0 && c->memo != NULL && c->memo->gen == gen ? c->memo : NULL;
}

void person_memo_close(conn_t *c, uint64_t gen)
{
	if (person_memo_get(c, gen) != NULL)
		person_memo_drop(c);
}

/* Doubles the table; 0 on success. */
static int memo_grow_slots(person_memo_t *m)
{
	size_t n = m->nslots * 2;
	memo_slot_t *slots;

	if (!memo_may_grow(m, m->nslots * sizeof(memo_slot_t)))
		return -1;
	slots = calloc(n, sizeof(*slots));
	if (slots == NULL)
		return -1;
	for (size_t i = 0; i < m->nslots; i++)
		if (m->slots[i].id != 0)
			*memo_slot(slots, n, m->slots[i].id) = m->slots[i];
	free(m->slots);
	m->srv->person_memo_bytes += m->nslots * sizeof(memo_slot_t);
	m->slots = slots;
	m->nslots = n;
	return 0;
}

/* Room for len more bytes in buf; 0 on success. */
static int memo_reserve(person_memo_t *m, size_t len)
{
	size_t cap = m->buf_cap > 0 ? m->buf_cap : 64 * 1024;
	uint8_t *buf;

	if (m->buf_len + len <= m->buf_cap)
		return 0;
	while (cap < m->buf_len + len)
		cap *= 2;
	if (!memo_may_grow(m, cap - m->buf_cap))
		return -1;
	buf = realloc(m->buf, cap);
	if (buf == NULL)
		return -1;
	m->srv->person_memo_bytes += cap - m->buf_cap;
	m->buf = buf;
	m->buf_cap = cap;
	return 0;
}

void person_memo_put(person_memo_t *m, const Quartier__V1__Person *p)
{
	memo_slot_t *s;
	size_t len;

	if (p->id <= 0)
		return;
	if (2 * (m->used + 1) > m->nslots && memo_grow_slots(m) != 0)
		return;
	s = memo_slot(m->slots, m->nslots, p->id);
	if (s->id != 0)
		return;
	len = protobuf_c_message_get_packed_size(&p->base);
	if (memo_reserve(m, len) != 0)
		return;
	protobuf_c_message_pack(&p->base, m->buf + m->buf_len);
	s->id = p->id;
	s->off = (uint32_t)m->buf_len;
	s->len = (uint32_t)len;
	m->buf_len += len;
	m->used++;
}

static void *memo_arena_alloc(void *data, size_t size)
{
	return req_alloc(data, size);
}

static void memo_arena_free(void *data, void *p)
{
	(void)data;
	(void)p; /* the arena is freed with the request */
}

int person_memo_lookup(const person_memo_t *m, int64_t id, const uint8_t **data, size_t *len)
{
	const memo_slot_t *s;

	if (m == NULL || id <= 0)
		return 0;
	s = memo_slot(m->slots, m->nslots, id);
	if (s->id != id)
		return 0;
	*data = m->buf + s->off;
	*len = s->len;
	return 1;
}

size_t person_memo_count(const person_memo_t *m)
{
	return m != NULL ? m->used : 0;
}

Quartier__V1__Person *person_memo_find(person_memo_t *m, req_t *r, int64_t id)
{
	ProtobufCAllocator arena = {memo_arena_alloc, memo_arena_free, r};
	const uint8_t *data;
	size_t len;
	Quartier__V1__Person *p = NULL;

	if (person_memo_lookup(m, id, &data, &len))
		p = quartier__v1__person__unpack(&arena, len, data);
	if (p != NULL)
		r->srv->metrics.sync_person_memo_hits++;
	else
		r->srv->metrics.sync_person_memo_misses++;
	return p;
}
