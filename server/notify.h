/* The service manager protocol (sd_notify): READY=1 once the server
 * serves, RELOADING=1/READY=1 around a reload, STOPPING=1 on shutdown,
 * STATUS= lines for `systemctl status`, and WATCHDOG=1 from a timer on the
 * event loop every half of WATCHDOG_USEC, so that a stuck loop stops the
 * pings and systemd restarts the service.  Without NOTIFY_SOCKET (not
 * started by systemd with Type=notify) every call is a no-op. */
#ifndef QUARTIERD_NOTIFY_H
#define QUARTIERD_NOTIFY_H

#include <stdint.h>
#include <uv.h>

#include "log.h"

typedef struct notify {
	const qlog_t *log;           /* borrowed */
	uv_timer_t watchdog;         /* runs only if the watchdog is enabled */
	uint64_t watchdog_usec;      /* WATCHDOG_USEC, 0 if disabled */
	int timer_open;              /* watchdog handle initialised, not closed */
	int ready;                   /* READY=1 sent: the server serves */
} notify_t;

/* Initialises n on loop and, if the service manager asked for watchdog
 * pings (WATCHDOG_USEC, and WATCHDOG_PID naming this process if set),
 * starts the timer that sends them.  log is borrowed for n's lifetime. */
void notify_init(notify_t *n, uv_loop_t *loop, const qlog_t *log);

/* Closes the watchdog timer (asynchronously, like any uv handle; n must
 * stay valid until the loop has run once more).  Safe to call twice. */
void notify_close(notify_t *n);

/* READY=1 with a STATUS= line (status is borrowed for the call): the
 * server is serving. */
void notify_ready(notify_t *n, const char *status);

/* RELOADING=1 (with MONOTONIC_USEC, as later systemd versions want)
 * before a reload and READY=1 with a STATUS= line after it, whether the
 * new configuration was taken or refused.  Both are no-ops before the
 * first notify_ready(), so that a SIGHUP during start-up does not announce
 * readiness early. */
void notify_reloading(notify_t *n);
void notify_reloaded(notify_t *n, const char *status);

/* STOPPING=1 with a STATUS= line. */
void notify_stopping(notify_t *n, const char *status);

/* A STATUS= line alone. */
void notify_status(notify_t *n, const char *status);

#endif
