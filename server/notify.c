/* sd_notify messages and the watchdog timer (see notify.h). */
#include "notify.h"

#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <time.h>

/* Sends one message; a failure is logged and otherwise ignored, because
 * the service keeps working without its manager hearing from it. */
static void notify_send(notify_t *n, const char *msg)
{
	int rc = sd_notify(0, msg);

	if (rc < 0)
		log_warning(n->log, "event=sd_notify status=failed error=\"%s\"", strerror(-rc));
}

/* Copies status into a STATUS= line, dropping newlines (each line of a
 * message is one assignment). */
static void notify_with_status(notify_t *n, const char *head, const char *status)
{
	char msg[512];
	size_t len;
	int w;

	w = snprintf(msg, sizeof(msg), "%sSTATUS=%s", head, status != NULL ? status : "");
	len = w < 0 ? 0 : (size_t)w < sizeof(msg) ? (size_t)w : sizeof(msg) - 1;
	for (size_t i = strlen(head); i < len; i++)
		if (msg[i] == '\n')
			msg[i] = ' ';
	notify_send(n, msg);
}

static void notify_watchdog_cb(uv_timer_t *t)
{
	notify_t *n = t->data;

	notify_send(n, "WATCHDOG=1");
}

static void notify_closed_cb(uv_handle_t *h)
{
	(void)h;
}

void notify_init(notify_t *n, uv_loop_t *loop, const qlog_t *log)
{
	uint64_t usec = 0;
	uint64_t ms;

	memset(n, 0, sizeof(*n));
	n->log = log;
	/* > 0 only if WATCHDOG_USEC is set and WATCHDOG_PID, if set, is us. */
	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return;
	n->watchdog_usec = usec;
	ms = usec / 2000; /* ping every half interval, as sd_watchdog_enabled(3) advises */
	if (ms == 0)
		ms = 1;
	uv_timer_init(loop, &n->watchdog);
	n->watchdog.data = n;
	n->timer_open = 1;
	uv_timer_start(&n->watchdog, notify_watchdog_cb, 0, ms);
	log_info(log, "event=watchdog interval_ms=%llu", (unsigned long long)ms);
}

void notify_close(notify_t *n)
{
	if (!n->timer_open)
		return;
	n->timer_open = 0;
	uv_timer_stop(&n->watchdog);
	uv_close((uv_handle_t *)&n->watchdog, notify_closed_cb);
}

void notify_ready(notify_t *n, const char *status)
{
	n->ready = 1;
	notify_with_status(n, "READY=1\n", status);
}

void notify_reloading(notify_t *n)
{
	struct timespec ts;
	char head[96];

	if (!n->ready)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(head, sizeof(head), "RELOADING=1\nMONOTONIC_USEC=%llu\n",
	         (unsigned long long)ts.tv_sec * 1000000ull + (unsigned long long)ts.tv_nsec / 1000u);
	notify_with_status(n, head, "reloading the configuration");
}

void notify_reloaded(notify_t *n, const char *status)
{
	if (n->ready)
		notify_with_status(n, "READY=1\n", status);
}

void notify_stopping(notify_t *n, const char *status)
{
	notify_with_status(n, "STOPPING=1\n", status);
}

void notify_status(notify_t *n, const char *status)
{
	notify_with_status(n, "", status);
}
