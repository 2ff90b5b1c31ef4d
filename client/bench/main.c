/* quartier-bench: load generator for quartierd, in the spirit of pgbench
 * and redis-benchmark.  Options, the control connection (login, the ids
 * the workloads address, the fanout writer), the run's phases and the
 * results (text or JSON). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <openssl/err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define BENCH_CALL_MS 60000          /* control connection: one call */
#define BENCH_LIST_PAGE 500          /* project_list page while collecting ids */
#define BENCH_MAX_WRITES 100000

static const struct {
	const char *name;
	workload_kind_t kind;
} bench_workloads[] = {
	{"get", WL_GET},       {"list", WL_LIST},       {"update", WL_UPDATE},
	{"create", WL_CREATE}, {"mixed", WL_MIXED},     {"sync-initial", WL_SYNC_INITIAL},
	{"fanout", WL_FANOUT}, {"idle", WL_IDLE},
};

static void bench_usage(FILE *f)
{
	fprintf(f,
	        "usage: quartier-bench [options] WORKLOAD\n"
	        "\n"
	        "Workloads:\n"
	        "  get           project_get of random projects\n"
	        "  list          project_list pages (--page-size) from random positions\n"
	        "  update        project_update of random projects with their expected version;\n"
	        "                a conflict is counted and retried after a fresh get\n"
	        "  create        project_create\n"
	        "  mixed         gets and updates (--read-fraction, default 0.8)\n"
	        "  sync-initial  a replica's initial sync: sync_snapshot pages, then sync_pull\n"
	        "                to the head (one per client unless --requests)\n"
	        "  fanout        --clients subscribers (sync_subscribe) and one writer that\n"
	        "                updates a project --writes times; push latency = from the\n"
	        "                writer's acknowledged commit to each subscriber's Event\n"
	        "  idle          hold --clients logged-in TLS connections for --duration s and\n"
	        "                report the growth of the server's RSS (--server-pid)\n"
	        "\n"
	        "Connection:\n"
	        "  -H, --host HOST          server address (127.0.0.1)\n"
	        "  -p, --port PORT          server port (7433)\n"
	        "      --ca-file FILE       CA certificate that signed the server's (required)\n"
	        "  -U, --user LOGIN         account (admin); it must be allowed the workload's changes\n"
	        "      --password-file FILE the password (first line); else $QUARTIER_PASSWORD\n"
	        "\n"
	        "Load:\n"
	        "  -c, --clients N          connections (1)\n"
	        "  -j, --threads N          event loops, each with its share of the clients (1)\n"
	        "  -d, --depth N            requests in flight per connection (pipelining; 1)\n"
	        "  -T, --duration S         measured seconds (10; idle: how long to hold)\n"
	        "  -W, --warmup S           seconds before measuring (2; 0 with --requests)\n"
	        "  -n, --requests N         run N operations instead of a duration\n"
	        "  -R, --rate R             open loop: R operations/s over all clients,\n"
	        "                           latency counted from when each was due\n"
	        "      --read-fraction F    mixed: share of gets (0.8)\n"
	        "      --payload BYTES      size of the description update/create write (200)\n"
	        "      --page-size N        list and sync pages (list 50, sync-initial 1000)\n"
	        "      --no-mutation-ids    changes without client mutation ids (the CLI's outbox\n"
	        "                           always sends them)\n"
	        "      --seed N             random seed (1)\n"
	        "\n"
	        "fanout:\n"
	        "      --writes N           changes the writer makes (10)\n"
	        "      --interval-ms MS     pause between them (1000)\n"
	        "      --scope all|project  what subscribers follow (all)\n"
	        "      --project ID         the project written (the first one)\n"
	        "      --drain S            seconds to wait for the last push (30)\n"
	        "idle:\n"
	        "      --server-pid PID     quartierd's process id (required)\n"
	        "      --settle S           wait before reading its RSS (2)\n"
	        "\n"
	        "Output:\n"
	        "      --json               one JSON object instead of text\n"
	        "  -h, --help\n"
	        "\n"
	        "Exit status: 0 when every operation succeeded (conflicts that a retry resolved\n"
	        "count as success), 1 when any failed or a push was missed, 2 on bad usage or\n"
	        "when the run could not be set up.\n");
}

/* ------------------------------------------------------------ helpers */

static int bench_parse_u(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v > max || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

static int bench_parse_d(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || v < 0)
		return -1;
	*out = v;
	return 0;
}

/* Runs the control loop for ms milliseconds (answers pings meanwhile). */
static void bench_idle_ctl(net_loop_t *ctl, unsigned ms)
{
	uint64_t until = net_now_ns() + (uint64_t)ms * 1000000ull;

	while (net_now_ns() < until)
		(void)net_loop_turn(ctl, 20);
}

/* The server's resident memory in KiB (VmRSS), or -1. */
static long bench_rss_kib(long pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "VmRSS:", 6) == 0) {
			kib = strtol(line + 6, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kib;
}

static char *bench_read_password(const char *file)
{
	char buf[1100];
	FILE *f;
	size_t n;

	if (file == NULL) {
		const char *env = getenv("QUARTIER_PASSWORD");
		return env != NULL ? strdup(env) : NULL;
	}
	f = fopen(file, "r");
	if (f == NULL)
		return NULL;
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return strdup(buf);
}

/* ------------------------------------------------------------ control connection */

static int bench_fail_answer(const char *what, net_conn_t *ctl, const qt_envelope_t *env)
{
	if (env == NULL)
		fprintf(stderr, "quartier-bench: %s: %s\n", what, ctl->err);
	else if (env->response->error != NULL)
		fprintf(stderr, "quartier-bench: %s: %s\n", what, env->response->error->message);
	else
		fprintf(stderr, "quartier-bench: %s: unexpected answer\n", what);
	return -1;
}

static int bench_collect_projects(net_conn_t *ctl, bench_data_t *d)
{
	int64_t after = 0;
	size_t cap = 0;

	for (;;) {
		Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
		Quartier__V1__ProjectListRequest l = QUARTIER__V1__PROJECT_LIST_REQUEST__INIT;
		qt_envelope_t *env;
		const Quartier__V1__ProjectList *pl;

		l.has_page_size = 1;
		l.page_size = BENCH_LIST_PAGE;
		l.has_after_id = 1;
		l.after_id = after;
		rq.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_LIST;
		rq.project_list = &l;
		env = net_call(ctl, &rq, BENCH_CALL_MS);
		if (env == NULL || env->response->error != NULL ||
		    env->response->body_case != QUARTIER__V1__RESPONSE__BODY_PROJECT_LIST) {
			bench_fail_answer("project_list", ctl, env);
			envelope_free(env);
			return -1;
		}
		pl = env->response->project_list;
		if (d->n + pl->n_projects > cap) {
			cap = (d->n + pl->n_projects) * 2;
			d->ids = realloc(d->ids, cap * sizeof(*d->ids));
			d->versions = realloc(d->versions, cap * sizeof(*d->versions));
			if (d->ids == NULL || d->versions == NULL)
				abort();
		}
		for (size_t i = 0; i < pl->n_projects; i++) {
			d->ids[d->n] = pl->projects[i]->id;
			d->versions[d->n] = pl->projects[i]->version;
			d->n++;
		}
		if (!pl->has_next_after_id || pl->n_projects == 0) {
			envelope_free(env);
			return 0;
		}
		after = pl->next_after_id;
		envelope_free(env);
	}
}

static int bench_collect_refs(net_conn_t *ctl, Quartier__V1__ReferenceKind kind, int64_t **out,
                              size_t *n)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ReferenceListRequest r = QUARTIER__V1__REFERENCE_LIST_REQUEST__INIT;
	qt_envelope_t *env;
	const Quartier__V1__ReferenceList *rl;

	r.kind = kind;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_REFERENCE_LIST;
	rq.reference_list = &r;
	env = net_call(ctl, &rq, BENCH_CALL_MS);
	if (env == NULL || env->response->error != NULL ||
	    env->response->body_case != QUARTIER__V1__RESPONSE__BODY_REFERENCE_LIST) {
		bench_fail_answer("reference_list", ctl, env);
		envelope_free(env);
		return -1;
	}
	rl = env->response->reference_list;
	*out = calloc(rl->n_items + 1, sizeof(**out));
	if (*out == NULL)
		abort();
	for (size_t i = 0; i < rl->n_items; i++)
		(*out)[i] = rl->items[i]->id;
	*n = rl->n_items;
	envelope_free(env);
	return 0;
}

/* The feed position subscribers start from: the cursor of a one-record
 * snapshot page. */
static int bench_feed_cursor(net_conn_t *ctl, bench_data_t *d)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__SyncSnapshotRequest sn = QUARTIER__V1__SYNC_SNAPSHOT_REQUEST__INIT;
	qt_envelope_t *env;
	const Quartier__V1__Cursor *cur;

	sn.has_limit = 1;
	sn.limit = 1;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_SYNC_SNAPSHOT;
	rq.sync_snapshot = &sn;
	env = net_call(ctl, &rq, BENCH_CALL_MS);
	if (env == NULL || env->response->error != NULL ||
	    env->response->body_case != QUARTIER__V1__RESPONSE__BODY_SYNC_SNAPSHOT ||
	    env->response->sync_snapshot->cursor == NULL) {
		bench_fail_answer("sync_snapshot", ctl, env);
		envelope_free(env);
		return -1;
	}
	cur = env->response->sync_snapshot->cursor;
	snprintf(d->cursor_epoch, sizeof(d->cursor_epoch), "%s", cur->epoch);
	d->cursor_xid = cur->xid;
	d->cursor_seq = cur->seq;
	envelope_free(env);
	return 0;
}

/* One change of the fanout project; returns its new version (0 on failure). */
static int64_t bench_write(const bench_cfg_t *cfg, net_conn_t *ctl, int64_t id, int64_t expected,
                           uint64_t n, uint64_t *t_send, uint64_t *t_ack)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectUpdateRequest u = QUARTIER__V1__PROJECT_UPDATE_REQUEST__INIT;
	char desc[4096];
	qt_envelope_t *env;
	int64_t v;

	workload_payload(desc, cfg->payload + 1 < sizeof(desc) ? cfg->payload + 1 : sizeof(desc), n);
	u.id = id;
	u.expected_version = expected;
	u.description = desc;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_UPDATE;
	rq.project_update = &u;
	if (cfg->mutation_ids) {
		rq.has_mutation_seq = 1;
		rq.mutation_seq = ctl->seq + 1;
	}
	*t_send = net_now_ns();
	env = net_call(ctl, &rq, BENCH_CALL_MS);
	*t_ack = net_now_ns();
	if (env == NULL || env->response->error != NULL ||
	    env->response->body_case != QUARTIER__V1__RESPONSE__BODY_PROJECT) {
		bench_fail_answer("project_update (writer)", ctl, env);
		envelope_free(env);
		return 0;
	}
	v = env->response->project->version;
	envelope_free(env);
	return v;
}

/* ------------------------------------------------------------ output */

static void bench_json_lat(FILE *f, const char *key, const stats_summary_t *s)
{
	fprintf(f,
	        ",\"%s\":{\"n\":%zu,\"mean\":%.3f,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,"
	        "\"p999\":%.3f,\"max\":%.3f}",
	        key, s->n, s->mean_ms, s->p50_ms, s->p90_ms, s->p99_ms, s->p999_ms, s->max_ms);
}

static void bench_text_lat(FILE *f, const char *label, const stats_summary_t *s)
{
	fprintf(f, "  %s ms: mean %.2f  p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (%zu samples)\n",
	        label, s->mean_ms, s->p50_ms, s->p90_ms, s->p99_ms, s->p999_ms, s->max_ms, s->n);
}

static void bench_json_str(FILE *f, const char *key, const char *v)
{
	fprintf(f, ",\"%s\":\"", key);
	for (; *v != '\0'; v++) {
		unsigned char ch = (unsigned char)*v;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* ------------------------------------------------------------ main */

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"host", required_argument, NULL, 'H'},
	    {"port", required_argument, NULL, 'p'},
	    {"ca-file", required_argument, NULL, 1},
	    {"user", required_argument, NULL, 'U'},
	    {"password-file", required_argument, NULL, 2},
	    {"clients", required_argument, NULL, 'c'},
	    {"threads", required_argument, NULL, 'j'},
	    {"depth", required_argument, NULL, 'd'},
	    {"duration", required_argument, NULL, 'T'},
	    {"warmup", required_argument, NULL, 'W'},
	    {"requests", required_argument, NULL, 'n'},
	    {"rate", required_argument, NULL, 'R'},
	    {"read-fraction", required_argument, NULL, 3},
	    {"payload", required_argument, NULL, 4},
	    {"page-size", required_argument, NULL, 5},
	    {"no-mutation-ids", no_argument, NULL, 6},
	    {"seed", required_argument, NULL, 7},
	    {"writes", required_argument, NULL, 8},
	    {"interval-ms", required_argument, NULL, 9},
	    {"scope", required_argument, NULL, 10},
	    {"project", required_argument, NULL, 11},
	    {"drain", required_argument, NULL, 12},
	    {"server-pid", required_argument, NULL, 13},
	    {"settle", required_argument, NULL, 14},
	    {"json", no_argument, NULL, 15},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	bench_cfg_t cfg;
	bench_data_t data;
	bench_t b;
	net_loop_t ctl;
	SSL_CTX *ctx = NULL;
	const char *password_file = NULL;
	char *password = NULL;
	char err[256] = "";
	unsigned long long u;
	int opt, rc = 2, page_set = 0, warmup_set = 0;
	uint64_t t_setup;
	/* results */
	stats_t lat, fan_ack, fan_send, wlat;
	stats_summary_t sum, sum_ack, sum_send, sum_w;
	uint64_t ok = 0, errors = 0, conflicts = 0, reads = 0, writes_n = 0, records = 0;
	uint64_t overflows = 0, events = 0, missed = 0, before_ack = 0;
	uint64_t *w_send = NULL, *w_ack = NULL;
	int64_t *w_ver = NULL;
	unsigned done_writes = 0, pongs = 0, complete = 0;
	long rss_before = -1, rss_after = -1, rss_end = -1;
	double seconds = 0, setup_s = 0;
	const char *first_error = NULL;

	memset(&cfg, 0, sizeof(cfg));
	memset(&data, 0, sizeof(data));
	memset(&b, 0, sizeof(b));
	memset(&ctl, 0, sizeof(ctl));
	ctl.ep = -1;
	cfg.net.host = "127.0.0.1";
	cfg.net.port = 7433;
	cfg.net.login = "admin";
	cfg.net.client_name = "quartier-bench/" QT_BENCH_VERSION;
	cfg.net.max_handshakes = 128;
	cfg.clients = 1;
	cfg.threads = 1;
	cfg.depth = 1;
	cfg.duration_s = 10;
	cfg.warmup_s = 2;
	cfg.read_fraction = 0.8;
	cfg.payload = 200;
	cfg.mutation_ids = 1;
	cfg.seed = 1;
	cfg.writes = 10;
	cfg.interval_ms = 1000;
	cfg.drain_s = 30;
	cfg.settle_s = 2;
	stats_init(&lat);
	stats_init(&fan_ack);
	stats_init(&fan_send);
	stats_init(&wlat);

	while ((opt = getopt_long(argc, argv, "H:p:U:c:j:d:T:W:n:R:h", longopts, NULL)) != -1) {
		double dv;
		switch (opt) {
		case 'H': cfg.net.host = optarg; break;
		case 'p':
			if (bench_parse_u(optarg, 65535, &u) != 0 || u == 0)
				goto usage;
			cfg.net.port = (uint16_t)u;
			break;
		case 1: cfg.net.ca_file = optarg; break;
		case 'U': cfg.net.login = optarg; break;
		case 2: password_file = optarg; break;
		case 'c':
			if (bench_parse_u(optarg, 1000000, &u) != 0 || u == 0)
				goto usage;
			cfg.clients = (unsigned)u;
			break;
		case 'j':
			if (bench_parse_u(optarg, 256, &u) != 0 || u == 0)
				goto usage;
			cfg.threads = (unsigned)u;
			break;
		case 'd':
			if (bench_parse_u(optarg, NET_DEPTH_MAX, &u) != 0 || u == 0)
				goto usage;
			cfg.depth = (unsigned)u;
			break;
		case 'T':
			if (bench_parse_d(optarg, &cfg.duration_s) != 0 || cfg.duration_s <= 0)
				goto usage;
			break;
		case 'W':
			if (bench_parse_d(optarg, &cfg.warmup_s) != 0)
				goto usage;
			warmup_set = 1;
			break;
		case 'n':
			if (bench_parse_u(optarg, UINT64_MAX / 2, &u) != 0 || u == 0)
				goto usage;
			cfg.requests = u;
			break;
		case 'R':
			if (bench_parse_d(optarg, &cfg.rate) != 0 || cfg.rate <= 0)
				goto usage;
			break;
		case 3:
			if (bench_parse_d(optarg, &dv) != 0 || dv > 1)
				goto usage;
			cfg.read_fraction = dv;
			break;
		case 4:
			if (bench_parse_u(optarg, 4000, &u) != 0)
				goto usage;
			cfg.payload = (unsigned)u;
			break;
		case 5:
			if (bench_parse_u(optarg, 1000, &u) != 0 || u == 0)
				goto usage;
			cfg.page_size = (unsigned)u;
			page_set = 1;
			break;
		case 6: cfg.mutation_ids = 0; break;
		case 7:
			if (bench_parse_u(optarg, UINT64_MAX, &u) != 0)
				goto usage;
			cfg.seed = u;
			break;
		case 8:
			if (bench_parse_u(optarg, BENCH_MAX_WRITES, &u) != 0 || u == 0)
				goto usage;
			cfg.writes = (unsigned)u;
			break;
		case 9:
			if (bench_parse_u(optarg, 3600000, &u) != 0)
				goto usage;
			cfg.interval_ms = (unsigned)u;
			break;
		case 10:
			if (strcmp(optarg, "all") == 0)
				cfg.scope_project = 0;
			else if (strcmp(optarg, "project") == 0)
				cfg.scope_project = 1;
			else
				goto usage;
			break;
		case 11:
			if (bench_parse_u(optarg, INT64_MAX, &u) != 0 || u == 0)
				goto usage;
			cfg.project_id = (int64_t)u;
			break;
		case 12:
			if (bench_parse_d(optarg, &cfg.drain_s) != 0)
				goto usage;
			break;
		case 13:
			if (bench_parse_u(optarg, 1u << 30, &u) != 0 || u == 0)
				goto usage;
			cfg.server_pid = (long)u;
			break;
		case 14:
			if (bench_parse_d(optarg, &cfg.settle_s) != 0)
				goto usage;
			break;
		case 15: cfg.json = 1; break;
		case 'h': bench_usage(stdout); return 0;
		default: goto usage;
		}
	}
	if (optind + 1 != argc)
		goto usage;
	cfg.workload = argv[optind];
	{
		size_t k;
		for (k = 0; k < sizeof(bench_workloads) / sizeof(bench_workloads[0]); k++)
			if (strcmp(bench_workloads[k].name, cfg.workload) == 0)
				break;
		if (k == sizeof(bench_workloads) / sizeof(bench_workloads[0])) {
			fprintf(stderr, "quartier-bench: unknown workload \"%s\"\n", cfg.workload);
			goto usage;
		}
		cfg.kind = bench_workloads[k].kind;
	}
	if (!page_set)
		cfg.page_size = cfg.kind == WL_SYNC_INITIAL ? 1000 : 50;
	if (cfg.threads > cfg.clients)
		cfg.threads = cfg.clients;
	if (cfg.kind == WL_SYNC_INITIAL && cfg.requests == 0)
		cfg.requests = cfg.clients;
	/* A request budget is measured whole unless a warm-up is asked for. */
	if (cfg.requests > 0 && !warmup_set)
		cfg.warmup_s = 0;
	if (cfg.kind == WL_IDLE && cfg.server_pid == 0) {
		fprintf(stderr, "quartier-bench: idle needs --server-pid\n");
		goto usage;
	}
	if (cfg.net.ca_file == NULL) {
		fprintf(stderr, "quartier-bench: --ca-file is required\n");
		goto usage;
	}
	password = bench_read_password(password_file);
	if (password == NULL) {
		fprintf(stderr, "quartier-bench: no password (--password-file or $QUARTIER_PASSWORD)\n");
		return 2;
	}
	cfg.net.password = password;
	signal(SIGPIPE, SIG_IGN);
	{
		/* Many connections need many descriptors: soft limit up to the hard one. */
		struct rlimit rl;
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			(void)setrlimit(RLIMIT_NOFILE, &rl);
		}
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)cfg.clients + 64)
			fprintf(stderr, "quartier-bench: warning: %u clients but only %llu file descriptors\n",
			        cfg.clients, (unsigned long long)rl.rlim_cur);
	}

	ctx = net_ssl_ctx_new(cfg.net.ca_file, err, sizeof(err));
	if (ctx == NULL) {
		fprintf(stderr, "quartier-bench: %s\n", err);
		goto out;
	}
	snprintf(b.instance, sizeof(b.instance), "bench-%ld-%llx", (long)getpid(),
	         (unsigned long long)(net_now_ns() & 0xffffffffffull));

	/* The control connection: login, ids, and the fanout writer. */
	{
		net_opts_t *o = &cfg.net;
		static char inst[64];
		snprintf(inst, sizeof(inst), "%s-ctl", b.instance);
		o->instance_id = inst;
		if (net_loop_init(&ctl, ctx, o, 1, 4, err, sizeof(err)) != 0) {
			fprintf(stderr, "quartier-bench: %s\n", err);
			goto out;
		}
		t_setup = net_now_ns();
		while (ctl.conns[0].state != NET_READY && ctl.conns[0].state != NET_FAILED &&
		       net_now_ns() - t_setup < 60ull * 1000000000ull)
			(void)net_loop_turn(&ctl, 50);
		if (ctl.conns[0].state != NET_READY) {
			fprintf(stderr, "quartier-bench: cannot log in as %s at %s port %u: %s\n", o->login,
			        o->host, (unsigned)o->port,
			        ctl.conns[0].err[0] ? ctl.conns[0].err : "timeout");
			goto out;
		}
	}
	if (cfg.kind != WL_SYNC_INITIAL && cfg.kind != WL_IDLE) {
		if (bench_collect_projects(&ctl.conns[0], &data) != 0)
			goto out;
		if (data.n == 0 && cfg.kind != WL_CREATE) {
			fprintf(stderr, "quartier-bench: the registry holds no project to work on\n");
			goto out;
		}
	}
	if (cfg.kind == WL_CREATE &&
	    (bench_collect_refs(&ctl.conns[0], QUARTIER__V1__REFERENCE_KIND__REFERENCE_QUARTER,
	                        &data.quarters, &data.n_quarters) != 0 ||
	     bench_collect_refs(&ctl.conns[0], QUARTIER__V1__REFERENCE_KIND__REFERENCE_OFFICE,
	                        &data.offices, &data.n_offices) != 0))
		goto out;
	if (cfg.kind == WL_CREATE && (data.n_quarters == 0 || data.n_offices == 0)) {
		fprintf(stderr, "quartier-bench: create needs at least one quarter and one office\n");
		goto out;
	}
	if (cfg.kind == WL_FANOUT) {
		size_t k;
		data.fanout_project = cfg.project_id != 0 ? cfg.project_id : data.ids[0];
		for (k = 0; k < data.n && data.ids[k] != data.fanout_project; k++)
			;
		if (k == data.n) {
			fprintf(stderr, "quartier-bench: no project %lld\n", (long long)data.fanout_project);
			goto out;
		}
		if (bench_feed_cursor(&ctl.conns[0], &data) != 0)
			goto out;
	}
	if (cfg.kind == WL_IDLE) {
		bench_idle_ctl(&ctl, 200);
		rss_before = bench_rss_kib(cfg.server_pid);
		if (rss_before < 0) {
			fprintf(stderr, "quartier-bench: cannot read /proc/%ld/status\n", cfg.server_pid);
			goto out;
		}
	}

	/* The workers: connect and log in (resume with the control
	 * connection's token). */
	cfg.net.token = ctl.conns[0].token;
	b.cfg = &cfg;
	b.data = &data;
	b.ctx = ctx;
	t_setup = net_now_ns();
	if (workload_start(&b, err, sizeof(err)) != 0) {
		fprintf(stderr, "quartier-bench: %s\n", err);
		goto out;
	}
	while (__atomic_load_n(&b.ready_threads, __ATOMIC_ACQUIRE) < cfg.threads)
		(void)net_loop_turn(&ctl, 20);
	setup_s = (double)(net_now_ns() - t_setup) / 1e9;
	if (workload_ready(&b) < cfg.clients) {
		for (unsigned t = 0; t < cfg.threads && first_error == NULL; t++)
			if (b.workers[t].first_error[0] != '\0')
				first_error = b.workers[t].first_error;
		fprintf(stderr, "quartier-bench: only %u of %u connections could log in%s%s\n",
		        workload_ready(&b), cfg.clients, first_error ? ": " : "",
		        first_error ? first_error : "");
		b.quit = 1;
		workload_join(&b);
		rc = 1;
		goto out;
	}

	if (cfg.kind == WL_IDLE) {
		bench_idle_ctl(&ctl, (unsigned)(cfg.settle_s * 1000));
		rss_after = bench_rss_kib(cfg.server_pid);
		bench_idle_ctl(&ctl, (unsigned)(cfg.duration_s * 1000));
		rss_end = bench_rss_kib(cfg.server_pid);
		/* Still there?  Every connection answers a ping. */
		b.ping = 1;
		{
			uint64_t until = net_now_ns() + 20ull * 1000000000ull;
			while (net_now_ns() < until) {
				pongs = 0;
				for (unsigned t = 0; t < cfg.threads; t++)
					pongs += __atomic_load_n(&b.workers[t].pongs, __ATOMIC_RELAXED);
				if (pongs >= cfg.clients)
					break;
				(void)net_loop_turn(&ctl, 20);
			}
		}
		b.quit = 1;
		workload_join(&b);
		pongs = 0;
		for (unsigned t = 0; t < cfg.threads; t++)
			pongs += b.workers[t].pongs;
		seconds = cfg.duration_s;
	} else if (cfg.kind == WL_FANOUT) {
		int64_t ver;
		size_t k;
		uint64_t until;
		unsigned subscribed = 0;

		/* Every subscription confirmed, catch-up events over. */
		until = net_now_ns() + 120ull * 1000000000ull;
		while (net_now_ns() < until) {
			unsigned refused = 0;
			subscribed = 0;
			for (unsigned t = 0; t < cfg.threads; t++) {
				subscribed += __atomic_load_n(&b.workers[t].subscribed, __ATOMIC_RELAXED);
				refused += (unsigned)__atomic_load_n(&b.workers[t].errors, __ATOMIC_RELAXED);
			}
			if (subscribed + refused >= cfg.clients)
				break;
			(void)net_loop_turn(&ctl, 20);
		}
		bench_idle_ctl(&ctl, 1000);
		for (k = 0; k < data.n && data.ids[k] != data.fanout_project; k++)
			;
		ver = data.versions[k];
		{
			/* The version now (the registry may have changed since the list). */
			Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
			Quartier__V1__ProjectGetRequest g = QUARTIER__V1__PROJECT_GET_REQUEST__INIT;
			qt_envelope_t *env;
			g.id = data.fanout_project;
			rq.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_GET;
			rq.project_get = &g;
			env = net_call(&ctl.conns[0], &rq, BENCH_CALL_MS);
			if (env != NULL && env->response->error == NULL &&
			    env->response->body_case == QUARTIER__V1__RESPONSE__BODY_PROJECT)
				ver = env->response->project->version;
			envelope_free(env);
		}
		w_send = calloc(cfg.writes, sizeof(*w_send));
		w_ack = calloc(cfg.writes, sizeof(*w_ack));
		w_ver = calloc(cfg.writes, sizeof(*w_ver));
		if (w_send == NULL || w_ack == NULL || w_ver == NULL)
			abort();
		b.t_go = b.t_start = net_now_ns();
		for (unsigned i = 0; i < cfg.writes; i++) {
			int64_t v = bench_write(&cfg, &ctl.conns[0], data.fanout_project, ver, i + 1,
			                        &w_send[i], &w_ack[i]);
			if (v == 0) {
				errors++;
				break;
			}
			w_ver[i] = ver = v;
			(void)stats_add(&wlat, w_ack[i] - w_send[i]);
			done_writes++;
			if (i + 1 < cfg.writes)
				bench_idle_ctl(&ctl, cfg.interval_ms);
		}
		b.fan_final = done_writes > 0 ? w_ver[done_writes - 1] : 0;
		until = net_now_ns() + (uint64_t)(cfg.drain_s * 1e9);
		while (done_writes > 0 && net_now_ns() < until) {
			complete = 0;
			for (unsigned t = 0; t < cfg.threads; t++)
				complete += __atomic_load_n(&b.workers[t].complete, __ATOMIC_RELAXED);
			if (complete >= cfg.clients)
				break;
			(void)net_loop_turn(&ctl, 20);
		}
		b.t_end = net_now_ns();
		b.quit = 1;
		workload_join(&b);
		seconds = (double)(b.t_end - b.t_start) / 1e9;
		/* Latency of every write to every subscriber. */
		{
			uint64_t got = 0;
			for (unsigned t = 0; t < cfg.threads; t++) {
				worker_t *w = &b.workers[t];
				for (size_t s = 0; s < w->n_fan; s++) {
					const fan_sample_t *fs = &w->fan[s];
					for (unsigned i = 0; i < done_writes; i++) {
						if (w_ver[i] <= fs->prev || w_ver[i] > fs->version)
							continue;
						got++;
						(void)stats_add(&fan_send, fs->t_recv - w_send[i]);
						if (fs->t_recv < w_ack[i]) {
							before_ack++;
							(void)stats_add(&fan_ack, 0);
						} else {
							(void)stats_add(&fan_ack, fs->t_recv - w_ack[i]);
						}
					}
				}
			}
			missed = (uint64_t)done_writes * cfg.clients - got;
		}
	} else {
		/* Operations: warm-up, then the measured window. */
		b.t_go = net_now_ns();
		b.t_start = b.t_go + (uint64_t)(cfg.warmup_s * 1e9);
		b.t_end = cfg.requests > 0 ? 0 : b.t_start + (uint64_t)(cfg.duration_s * 1e9);
		__atomic_store_n(&b.go, 1, __ATOMIC_RELEASE);
		if (cfg.requests == 0) {
			while (net_now_ns() < b.t_end)
				(void)net_loop_turn(&ctl, 50);
			b.stop = 1;
		}
		workload_join(&b);
		if (cfg.requests > 0) {
			uint64_t last = b.t_start;
			for (unsigned t = 0; t < cfg.threads; t++)
				if (b.workers[t].last_done_ns > last)
					last = b.workers[t].last_done_ns;
			seconds = (double)(last - b.t_start) / 1e9;
		} else {
			seconds = cfg.duration_s;
		}
	}

	for (unsigned t = 0; t < cfg.threads; t++) {
		worker_t *w = &b.workers[t];
		ok += w->ok;
		errors += w->errors;
		conflicts += w->conflicts;
		reads += w->reads;
		writes_n += w->writes;
		records += w->records;
		overflows += w->overflows;
		events += w->events;
		(void)stats_merge(&lat, &w->lat);
		if (first_error == NULL && w->first_error[0] != '\0')
			first_error = w->first_error;
	}
	stats_summarise(&lat, &sum);
	stats_summarise(&fan_ack, &sum_ack);
	stats_summarise(&fan_send, &sum_send);
	stats_summarise(&wlat, &sum_w);

	if (cfg.json) {
		FILE *f = stdout;
		fprintf(f, "{\"workload\":\"%s\",\"clients\":%u,\"threads\":%u,\"depth\":%u", cfg.workload,
		        cfg.clients, cfg.threads, cfg.depth);
		fprintf(f, ",\"mutation_ids\":%s,\"rate\":%.1f,\"warmup_s\":%.1f,\"seconds\":%.3f",
		        cfg.mutation_ids ? "true" : "false", cfg.rate, cfg.warmup_s, seconds);
		fprintf(f, ",\"setup_s\":%.3f,\"errors\":%" PRIu64, setup_s, errors);
		switch (cfg.kind) {
		case WL_IDLE:
			fprintf(f, ",\"connections\":%u,\"held\":%u,\"rss_before_kib\":%ld,\"rss_after_kib\":%ld",
			        cfg.clients, pongs, rss_before, rss_after);
			fprintf(f, ",\"rss_end_kib\":%ld,\"rss_growth_mib\":%.1f,\"per_connection_kib\":%.2f",
			        rss_end, (double)(rss_after - rss_before) / 1024.0,
			        (double)(rss_after - rss_before) / cfg.clients);
			break;
		case WL_FANOUT:
			fprintf(f, ",\"subscribers\":%u,\"writes\":%u,\"events\":%" PRIu64, cfg.clients,
			        done_writes, events);
			fprintf(f, ",\"missed\":%" PRIu64 ",\"overflows\":%" PRIu64 ",\"before_ack\":%" PRIu64,
			        missed, overflows, before_ack);
			bench_json_lat(f, "push_latency_ms", &sum_ack);
			bench_json_lat(f, "push_latency_from_send_ms", &sum_send);
			bench_json_lat(f, "write_latency_ms", &sum_w);
			break;
		default:
			fprintf(f, ",\"ok\":%" PRIu64 ",\"throughput\":%.1f,\"conflicts\":%" PRIu64, ok,
			        seconds > 0 ? (double)ok / seconds : 0, conflicts);
			fprintf(f, ",\"reads\":%" PRIu64 ",\"writes\":%" PRIu64 ",\"records\":%" PRIu64, reads,
			        writes_n, records);
			bench_json_lat(f, "latency_ms", &sum);
			break;
		}
		if (first_error != NULL)
			bench_json_str(f, "first_error", first_error);
		fprintf(f, "}\n");
	} else {
		FILE *f = stdout;
		fprintf(f, "quartier-bench %s: %u client%s on %u thread%s, depth %u%s\n", cfg.workload,
		        cfg.clients, cfg.clients == 1 ? "" : "s", cfg.threads, cfg.threads == 1 ? "" : "s",
		        cfg.depth, cfg.mutation_ids ? "" : ", no mutation ids");
		fprintf(f, "  connections up in %.2f s\n", setup_s);
		switch (cfg.kind) {
		case WL_IDLE:
			fprintf(f, "  held %u of %u TLS connections for %.0f s\n", pongs, cfg.clients, seconds);
			fprintf(f, "  server RSS: %ld KiB before, %ld KiB with them (%ld KiB at the end)\n",
			        rss_before, rss_after, rss_end);
			fprintf(f, "  growth %.1f MiB = %.2f KiB per connection\n",
			        (double)(rss_after - rss_before) / 1024.0,
			        (double)(rss_after - rss_before) / cfg.clients);
			break;
		case WL_FANOUT:
			fprintf(f, "  %u writes to project %lld, %u subscribers (scope %s), %" PRIu64
			           " events, %" PRIu64 " missed, %" PRIu64 " overflows\n",
			        done_writes, (long long)data.fanout_project, cfg.clients,
			        cfg.scope_project ? "project" : "all", events, missed, overflows);
			bench_text_lat(f, "push latency from ack", &sum_ack);
			bench_text_lat(f, "push latency from send", &sum_send);
			bench_text_lat(f, "writer's update", &sum_w);
			break;
		default:
			fprintf(f, "  %.2f s measured%s: %" PRIu64 " ok (%.1f/s), %" PRIu64 " errors, %" PRIu64
			           " conflicts",
			        seconds, cfg.requests > 0 ? "" : " after warm-up", ok,
			        seconds > 0 ? (double)ok / seconds : 0, errors, conflicts);
			if (cfg.rate > 0)
				fprintf(f, ", open loop at %.1f/s", cfg.rate);
			if (records > 0)
				fprintf(f, ", %" PRIu64 " records", records);
			fputc('\n', f);
			bench_text_lat(f, cfg.kind == WL_SYNC_INITIAL ? "snapshot" : "latency", &sum);
			break;
		}
		if (first_error != NULL)
			fprintf(f, "  first error: %s\n", first_error);
	}
	rc = errors > 0 || missed > 0 || overflows > 0 ||
	             (cfg.kind == WL_IDLE && pongs < cfg.clients) || (cfg.kind != WL_IDLE &&
	             cfg.kind != WL_FANOUT && ok == 0)
	         ? 1
	         : 0;

out:
	workload_free(&b);
	if (ctl.ep >= 0)
		net_loop_close(&ctl);
	SSL_CTX_free(ctx);
	stats_free(&lat);
	stats_free(&fan_ack);
	stats_free(&fan_send);
	stats_free(&wlat);
	free(w_send);
	free(w_ack);
	free(w_ver);
	free(data.ids);
	free(data.versions);
	free(data.quarters);
	free(data.offices);
	free(password);
	return rc;

usage:
	bench_usage(stderr);
	return 2;
}
