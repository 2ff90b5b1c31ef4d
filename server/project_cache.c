/* Read cache of rendered projects; see project_cache.h. */
#include "project_cache.h"

#include <errno.h>
#include <stdlib.h>

static size_t project_cache_slot(int64_t id)
{
	/* Fibonacci hashing: consecutive ids spread over the slots. */
	uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 49) & (PROJECT_CACHE_SLOTS - 1);
}

static void project_cache_entry_clear(project_cache_entry_t *e)
{
	if (e->msg != NULL)
		quartier__v1__project__free_unpacked(e->msg, NULL);
	e->msg = NULL;
	e->id = 0;
}

int project_cache_init(project_cache_t *pc)
{
	*pc = (project_cache_t){0};
	pc->slots = calloc(PROJECT_CACHE_SLOTS, sizeof(*pc->slots));
	return pc->slots != NULL ? 0 : -1;
}

void project_cache_free(project_cache_t *pc)
{
	if (pc->slots == NULL)
		return;
	for (size_t i = 0; i < PROJECT_CACHE_SLOTS; i++)
		project_cache_entry_clear(&pc->slots[i]);
	free(pc->slots);
	pc->slots = NULL;
}

const project_cache_entry_t *project_cache_find(const project_cache_t *pc, int64_t id)
{
	const project_cache_entry_t *e;

	if (pc->slots == NULL || id <= 0)
		return NULL;
	e = &pc->slots[project_cache_slot(id)];
	return e->id == id && e->msg != NULL ? e : NULL;
}

void project_cache_put(project_cache_t *pc, int64_t id, const project_stamp_t *stamp,
                       const Quartier__V1__Project *msg)
{
	project_cache_entry_t *e;
	uint8_t *buf = NULL;
	size_t n;

	if (pc->slots == NULL || id <= 0)
		return;
	e = &pc->slots[project_cache_slot(id)];
	project_cache_entry_clear(e);
	/* A deep copy out of the request's arena: packed and unpacked again
	 * (a few microseconds for a project). */
	n = quartier__v1__project__get_packed_size(msg);
	buf = malloc(n + 1);
	if (buf == NULL)
		goto out;
	quartier__v1__project__pack(msg, buf);
	e->msg = quartier__v1__project__unpack(NULL, n, buf);
	if (e->msg == NULL)
		goto out;
	e->id = id;
	e->stamp = *stamp;
	pc->fills++;
out:
	free(buf);
}

void project_cache_drop(project_cache_t *pc, int64_t id)
{
	project_cache_entry_t *e;

	if (pc->slots == NULL || id <= 0)
		return;
	e = &pc->slots[project_cache_slot(id)];
	if (e->id == id)
		project_cache_entry_clear(e);
}

static int project_stamp_u64(const char *s, uint64_t *out)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0' ? 0 : -1;
}

int project_stamp_parse(project_stamp_t *out, const char *xmin, const char *version,
                        const char *gen)
{
	uint64_t x, v, g;

	if (project_stamp_u64(xmin, &x) != 0 || x > UINT32_MAX ||
	    project_stamp_u64(version, &v) != 0 || v > INT64_MAX ||
	    project_stamp_u64(gen, &g) != 0)
		return -1;
	out->xmin = (uint32_t)x;
	out->version = (int64_t)v;
	out->ref_gen = g;
	return 0;
}
