/* The bounded Argon2id queue (see hash.h). */
#include "hash.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hash_job {
	uv_work_t work;
	server_t *srv;
	hash_job_t *next;
	int verify;                   /* 1: verify, 0: new hash */
	char *password;               /* owned, wiped before free */
	char encoded[AUTH_ENCODED_MAX];
	qt_status_t result;
	hash_cb cb;
	void *arg;
};

static void hash_start_next(server_t *srv);

static void hash_work_cb(uv_work_t *w)
{
	hash_job_t *job = w->data;

	/* Runs on a pool thread: no loop access here. */
	if (job->verify)
		job->result = auth_verify_password(job->encoded, job->password);
	else
		job->result = auth_hash_password(&job->srv->auth, job->password,
		                                 job->encoded, sizeof(job->encoded));
}

static void hash_after_cb(uv_work_t *w, int status)
{
	hash_job_t *job = w->data;
	server_t *srv = job->srv;

	srv->hash_running--;
	if (status != 0)
		job->result = QT_UNAVAILABLE;
	job->cb(job->result, job->result == QT_OK ? job->encoded : NULL, job->arg);
	OPENSSL_cleanse(job->password, strlen(job->password));
	free(job->password);
	free(job);
	hash_start_next(srv);
}

static void hash_start_next(server_t *srv)
{
	while (srv->hash_running < srv->cfg.hash_concurrency && srv->hash_head != NULL) {
		hash_job_t *job = srv->hash_head;
		srv->hash_head = job->next;
		if (srv->hash_head == NULL)
			srv->hash_tail = NULL;
		srv->hash_queued--;
		srv->hash_running++;
		job->work.data = job;
		if (uv_queue_work(srv->loop, &job->work, hash_work_cb, hash_after_cb) != 0) {
			srv->hash_running--;
			job->cb(QT_INTERNAL, NULL, job->arg);
			OPENSSL_cleanse(job->password, strlen(job->password));
			free(job->password);
			free(job);
		}
	}
}

static qt_status_t hash_submit(server_t *srv, int verify, const char *encoded,
                               const char *password, hash_cb cb, void *arg)
{
	hash_job_t *job;

	if (srv->hash_queued >= srv->cfg.hash_queue_max)
		return QT_RESOURCE_EXHAUSTED;
	job = calloc(1, sizeof(*job));
	if (job == NULL || (job->password = strdup(password)) == NULL) {
		free(job); /* no memory: refused like a full queue */
		return QT_RESOURCE_EXHAUSTED;
	}
	job->srv = srv;
	job->verify = verify;
	if (encoded != NULL)
		snprintf(job->encoded, sizeof(job->encoded), "%s", encoded);
	job->cb = cb;
	job->arg = arg;
	if (srv->hash_tail != NULL)
		srv->hash_tail->next = job;
	else
		srv->hash_head = job;
	srv->hash_tail = job;
	srv->hash_queued++;
	hash_start_next(srv);
	return QT_OK;
}

qt_status_t hash_verify(server_t *srv, const char *encoded, const char *password,
                        hash_cb cb, void *arg)
{
	if (strlen(encoded) >= AUTH_ENCODED_MAX)
		return QT_INTERNAL;
	return hash_submit(srv, 1, encoded, password, cb, arg);
}

qt_status_t hash_new(server_t *srv, const char *password, hash_cb cb, void *arg)
{
	return hash_submit(srv, 0, NULL, password, cb, arg);
}
