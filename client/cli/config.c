/* The client's files (see config.h): reading and writing the config file,
 * which is described by one table, and keeping the session token and the
 * instance id private to the user. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "output.h"

#define CONFIG_DEFAULT_HOST "127.0.0.1"
#define CONFIG_DEFAULT_PORT 7433

typedef enum { CONFIG_STRING, CONFIG_PORT, CONFIG_PATH } config_type_t;

/* One row per key of the config file; parser, writer and `config show`
 * all follow this table. */
static const struct config_key {
	const char *name;
	config_type_t type;
	size_t offset;             /* of the resolved value in cli_t */
	const char *help;
} config_keys[] = {
	{ "host", CONFIG_STRING, offsetof(cli_t, host),
	  "server name or address; must match its certificate (default " CONFIG_DEFAULT_HOST ")" },
	{ "port", CONFIG_PORT, offsetof(cli_t, port),
	  "server TCP port (default 7433)" },
	{ "ca_file", CONFIG_PATH, offsetof(cli_t, ca_file),
	  "PEM file of the CA that signed the server certificate (default: system CAs)" },
	{ "cert_file", CONFIG_PATH, offsetof(cli_t, cert_file),
	  "PEM client certificate issued by the city CA, for servers that ask for one" },
	{ "key_file", CONFIG_PATH, offsetof(cli_t, key_file),
	  "PEM private key of cert_file (default: in cert_file)" },
};

#define CONFIG_NKEYS (sizeof(config_keys) / sizeof(config_keys[0]))

static char *config_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 2);

	if (s == NULL)
		return NULL;
	memcpy(s, a, la);
	s[la] = '/';
	memcpy(s + la + 1, b, lb + 1);
	return s;
}

/* Finds the directory of our files. */
static int config_paths(cli_t *cli)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	struct passwd *pw;
	char *base = NULL;

	if (cli->dir != NULL)
		return CLI_EXIT_OK;
	if (xdg != NULL && xdg[0] == '/') {
		base = strdup(xdg);
	} else {
		if (home == NULL || home[0] == '\0') {
			pw = getpwuid(getuid());
			home = pw != NULL ? pw->pw_dir : NULL;
		}
		if (home == NULL) {
			fprintf(stderr, _("quartier: cannot find the home directory; "
			                  "set HOME or XDG_CONFIG_HOME\n"));
			return CLI_EXIT_OTHER;
		}
		base = config_join(home, ".config");
	}
	if (base == NULL)
		goto nomem;
	cli->dir = config_join(base, "quartier");
	free(base);
	if (cli->dir == NULL)
		goto nomem;
	if (cli->opt_config != NULL)
		cli->config_path = strdup(cli->opt_config);
	else
		cli->config_path = config_join(cli->dir, "config");
	if (cli->config_path == NULL)
		goto nomem;
	return CLI_EXIT_OK;
nomem:
	fprintf(stderr, _("quartier: out of memory\n"));
	return CLI_EXIT_OTHER;
}

/* Parses a port number 1..65535; returns 0 or -1. */
static int config_parse_port(const char *s, uint16_t *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 || v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

static char *config_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	                 e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Stores value for key k in cli; relative paths are taken relative to the
 * config file's directory.  Returns 0 or -1 (message in err). */
static int config_set(cli_t *cli, const struct config_key *k, const char *value,
                      const char *base_dir, char *err, size_t err_len)
{
	char **slot;
	char *copy;

	if (k->type == CONFIG_PORT) {
		if (config_parse_port(value, (uint16_t *)((char *)cli + k->offset)) != 0) {
			snprintf(err, err_len, _("invalid port '%s'"), value);
			return -1;
		}
		return 0;
	}
	slot = (char **)((char *)cli + k->offset);
	if (k->type == CONFIG_PATH && value[0] != '/' && base_dir != NULL)
		copy = config_join(base_dir, value);
	else
		copy = strdup(value);
	if (copy == NULL) {
		snprintf(err, err_len, "%s", _("out of memory"));
		return -1;
	}
	free(*slot);
	*slot = copy;
	return 0;
}

static int config_load(cli_t *cli)
{
	char err[160];
	char *line = NULL, *key, *value, *eq, *dir = NULL, *slash;
	size_t cap = 0, i;
	unsigned lineno = 0;
	FILE *f;
	int rc = CLI_EXIT_OK;

	f = fopen(cli->config_path, "re");
	if (f == NULL) {
		if (errno == ENOENT && cli->opt_config == NULL)
			return CLI_EXIT_OK; /* no file: defaults */
		fprintf(stderr, _("quartier: cannot read %s: %s\n"), cli->config_path,
		        strerror(errno));
		return CLI_EXIT_USAGE;
	}
	dir = strdup(cli->config_path);
	if (dir == NULL) {
		rc = CLI_EXIT_OTHER;
		goto out;
	}
	slash = strrchr(dir, '/');
	if (slash != NULL)
		*slash = '\0';
	else
		strcpy(dir, ".");
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		key = config_trim(line);
		if (key[0] == '\0' || key[0] == '#')
			continue;
		eq = strchr(key, '=');
		if (eq == NULL) {
			fprintf(stderr, _("quartier: %s:%u: expected 'key = value'\n"),
			        cli->config_path, lineno);
			rc = CLI_EXIT_USAGE;
			goto out;
		}
		*eq = '\0';
		key = config_trim(key);
		value = config_trim(eq + 1);
		for (i = 0; i < CONFIG_NKEYS; i++)
			if (strcmp(config_keys[i].name, key) == 0)
				break;
		if (i == CONFIG_NKEYS) {
			fprintf(stderr, _("quartier: %s:%u: unknown key '%s' ignored\n"),
			        cli->config_path, lineno, key);
			continue;
		}
		if (config_set(cli, &config_keys[i], value, dir, err, sizeof(err)) != 0) {
			fprintf(stderr, "quartier: %s:%u: %s\n", cli->config_path,
			        lineno, err);
			rc = CLI_EXIT_USAGE;
			goto out;
		}
	}
out:
	free(line);
	free(dir);
	fclose(f);
	return rc;
}

int config_resolve(cli_t *cli)
{
	char err[160];
	int rc;

	if (cli->host != NULL)
		return CLI_EXIT_OK;
	rc = config_paths(cli);
	if (rc != CLI_EXIT_OK)
		return rc;
	cli->port = CONFIG_DEFAULT_PORT;
	rc = config_load(cli);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (cli->opt_host != NULL &&
	    config_set(cli, &config_keys[0], cli->opt_host, NULL, err, sizeof(err)) != 0)
		goto bad;
	if (cli->opt_port != NULL &&
	    config_set(cli, &config_keys[1], cli->opt_port, NULL, err, sizeof(err)) != 0)
		goto bad;
	if (cli->opt_ca != NULL &&
	    config_set(cli, &config_keys[2], cli->opt_ca, NULL, err, sizeof(err)) != 0)
		goto bad;
	if (cli->host == NULL &&
	    config_set(cli, &config_keys[0], CONFIG_DEFAULT_HOST, NULL, err,
	               sizeof(err)) != 0)
		goto bad;
	return CLI_EXIT_OK;
bad:
	fprintf(stderr, "quartier: %s\n", err);
	return CLI_EXIT_USAGE;
}

/* Creates path and its missing parents; new directories get mode 0700. */
static int config_mkdirs(const char *path)
{
	char *p = strdup(path);
	char *s;
	int rc = 0;

	if (p == NULL)
		return -1;
	for (s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		{
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0700) != 0 && errno != EEXIST) {
				rc = -1;
				break;
			}
			*s = c;
		}
		if (*s == '\0')
			break;
	}
	free(p);
	return rc;
}

/* See config.h. */
int config_write_file(const char *path, const char *data, mode_t mode)
{
	size_t len = strlen(data), done = 0;
	char *tmp = malloc(strlen(path) + 5);
	ssize_t n;
	int fd = -1, rc = -1;

	if (tmp == NULL)
		return -1;
	sprintf(tmp, "%s.tmp", path);
	fd = open(tmp, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		goto out;
	/* The file may have existed with a wider mode. */
	if (fchmod(fd, mode) != 0)
		goto out;
	while (done < len) {
		n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		done += (size_t)n;
	}
	if (fsync(fd) != 0)
		goto out;
	if (close(fd) != 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0) {
		int saved = errno;

		if (fd >= 0)
			close(fd);
		unlink(tmp);
		errno = saved;
	}
	free(tmp);
	return rc;
}

int config_write(cli_t *cli, const char *host, unsigned port,
                 const char *ca_file)
{
	char buf[8192];
	char *dir, *slash;
	int n, rc;

	rc = config_paths(cli);
	if (rc != CLI_EXIT_OK)
		return rc;
	n = snprintf(buf, sizeof(buf),
	             "# quartier client configuration, written by `quartier config init`.\n"
	             "# %s: %s\nhost = %s\n"
	             "# %s: %s\nport = %u\n",
	             config_keys[0].name, config_keys[0].help, host,
	             config_keys[1].name, config_keys[1].help, port);
	if (ca_file != NULL && n > 0 && (size_t)n < sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "# %s: %s\nca_file = %s\n",
		              config_keys[2].name, config_keys[2].help, ca_file);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		fprintf(stderr, _("quartier: configuration values too long\n"));
		return CLI_EXIT_USAGE;
	}
	dir = strdup(cli->config_path);
	if (dir == NULL)
		return CLI_EXIT_OTHER;
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (config_mkdirs(dir) != 0) {
			fprintf(stderr, _("quartier: cannot create %s: %s\n"), dir,
			        strerror(errno));
			free(dir);
			return CLI_EXIT_OTHER;
		}
	}
	free(dir);
	if (config_write_file(cli->config_path, buf, 0644) != 0) {
		fprintf(stderr, _("quartier: cannot write %s: %s\n"), cli->config_path,
		        strerror(errno));
		return CLI_EXIT_OTHER;
	}
	return CLI_EXIT_OK;
}

static char *config_session_path(cli_t *cli)
{
	if (config_paths(cli) != CLI_EXIT_OK)
		return NULL;
	return config_join(cli->dir, "session");
}

void config_show(cli_t *cli)
{
	char port[8];
	char *session = config_session_path(cli);
	int logged_in = session != NULL && access(session, F_OK) == 0;
	out_json_t j;

	snprintf(port, sizeof(port), "%u", (unsigned)cli->port);
	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_kv_str(&j, "config_file", cli->config_path);
		out_json_kv_str(&j, "host", cli->host);
		out_json_kv_int(&j, "port", cli->port);
		out_json_kv_str(&j, "ca_file", cli->ca_file);
		out_json_kv_str(&j, "cert_file", cli->cert_file);
		out_json_kv_str(&j, "key_file", cli->key_file);
		out_json_kv_str(&j, "session_file", session);
		out_json_kv_bool(&j, "session", logged_in);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else {
		out_kv(stdout, 12, _("config file"), cli->config_path);
		out_kv(stdout, 12, "host", cli->host);
		out_kv(stdout, 12, "port", port);
		out_kv(stdout, 12, "ca_file",
		       cli->ca_file != NULL ? cli->ca_file : _("(system CA store)"));
		if (cli->cert_file != NULL)
			out_kv(stdout, 12, "cert_file", cli->cert_file);
		if (cli->key_file != NULL)
			out_kv(stdout, 12, "key_file", cli->key_file);
		out_kv(stdout, 12, _("session"), logged_in ? session : _("(not logged in)"));
	}
	free(session);
}

int config_session_read(cli_t *cli, char **token)
{
	char buf[4096];
	char *path = config_session_path(cli);
	ssize_t n;
	size_t len = 0;
	int fd, rc = -1;

	if (path == NULL) {
		fprintf(stderr, _("quartier: out of memory\n"));
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT) {
			rc = 1;
		} else {
			fprintf(stderr, _("quartier: cannot read %s: %s\n"), path, strerror(errno));
		}
		goto out;
	}
	while (len < sizeof(buf) - 1) {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, _("quartier: cannot read %s: %s\n"), path, strerror(errno));
			close(fd);
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (buf[0] == '\0') {
		rc = 1;
		goto out;
	}
	*token = strdup(buf);
	if (*token == NULL) {
		fprintf(stderr, _("quartier: out of memory\n"));
		goto out;
	}
	rc = 0;
out:
	explicit_bzero(buf, sizeof(buf));
	free(path);
	return rc;
}

int config_session_write(cli_t *cli, const char *token)
{
	char *path = config_session_path(cli);
	size_t len = strlen(token), done = 0;
	ssize_t n;
	int fd = -1, rc = -1;

	if (path == NULL) {
		fprintf(stderr, _("quartier: out of memory\n"));
		return -1;
	}
	if (config_mkdirs(cli->dir) != 0) {
		fprintf(stderr, _("quartier: cannot create %s: %s\n"), cli->dir, strerror(errno));
		goto out;
	}
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0)
		goto fail;
	while (done < len) {
		n = write(fd, token + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		done += (size_t)n;
	}
	if (write(fd, "\n", 1) != 1 || close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	rc = 0;
	goto out;
fail:
	fprintf(stderr, _("quartier: cannot write %s: %s\n"), path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(path);
out:
	free(path);
	return rc;
}

void config_session_remove(cli_t *cli)
{
	char *path = config_session_path(cli);

	if (path != NULL && unlink(path) != 0 && errno != ENOENT)
		fprintf(stderr, _("quartier: cannot remove %s: %s\n"), path, strerror(errno));
	free(path);
}

char *config_instance_id(cli_t *cli)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[16];
	char id[33];
	char *path, *result = NULL;
	ssize_t n;
	size_t i;
	int fd;

	if (config_paths(cli) != CLI_EXIT_OK)
		return NULL;
	path = config_join(cli->dir, "instance");
	if (path == NULL)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		n = read(fd, id, sizeof(id) - 1);
		close(fd);
		if (n > 0) {
			id[n] = '\0';
			id[strcspn(id, "\r\n")] = '\0';
			if (id[0] != '\0')
				result = strdup(id);
		}
		goto out;
	}
	/* Create it only where the directory already exists (after the
	 * first login); the library's random id serves until then. */
	if (access(cli->dir, W_OK) != 0)
		goto out;
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto out;
	n = read(fd, raw, sizeof(raw));
	close(fd);
	if (n != (ssize_t)sizeof(raw))
		goto out;
	for (i = 0; i < sizeof(raw); i++) {
		id[2 * i] = hex[raw[i] >> 4];
		id[2 * i + 1] = hex[raw[i] & 0x0f];
	}
	id[32] = '\0';
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (write(fd, id, 32) == 32 && write(fd, "\n", 1) == 1)
			result = strdup(id);
		close(fd);
	}
out:
	free(path);
	return result;
}

char *config_account_read(cli_t *cli)
{
	char buf[256];
	char *path, *result = NULL;
	ssize_t n;
	int fd;

	if (config_paths(cli) != CLI_EXIT_OK)
		return NULL;
	path = config_join(cli->dir, "account");
	if (path == NULL)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			buf[strcspn(buf, "\r\n")] = '\0';
			if (buf[0] != '\0')
				result = strdup(buf);
		}
	}
	free(path);
	return result;
}

int config_account_write(cli_t *cli, const char *login)
{
	char *path, *data, *old;
	int rc = -1;

	old = config_account_read(cli);
	if (old != NULL && strcmp(old, login) == 0) {
		free(old);
		return 0;
	}
	free(old);
	if (config_paths(cli) != CLI_EXIT_OK || config_mkdirs(cli->dir) != 0)
		return -1;
	path = config_join(cli->dir, "account");
	data = malloc(strlen(login) + 2);
	if (path != NULL && data != NULL) {
		sprintf(data, "%s\n", login);
		rc = config_write_file(path, data, 0600);
		if (rc != 0)
			fprintf(stderr, _("quartier: cannot write %s: %s\n"), path,
			        strerror(errno));
	}
	free(data);
	free(path);
	return rc;
}

void config_account_remove(cli_t *cli)
{
	char *path;

	if (config_paths(cli) != CLI_EXIT_OK)
		return;
	path = config_join(cli->dir, "account");
	if (path != NULL && unlink(path) != 0 && errno != ENOENT)
		fprintf(stderr, _("quartier: cannot remove %s: %s\n"), path, strerror(errno));
	free(path);
}
