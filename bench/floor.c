/* The floor: the least any tool must do with the same inputs as `migplan check`.
 *
 * Each file is read into memory and parsed, and nothing else happens: YAML (.yaml, .yml)
 * through libyaml down to every event, anything else through json-c into a DOM. The DOMs
 * stay alive until the end, as a tool that then looks at all of them at once would keep
 * them, so the peak memory is that of holding every parsed input. The one line printed
 * (events, JSON objects) keeps the compiler from skipping work and lets a reader see the
 * inputs were understood.
 *
 * usage: migplan-floor FILE...   exit 0, or 1 when a file cannot be read or parsed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json.h>
#include <yaml.h>

/* As deep as the library accepts by default (MIGPLAN_DEFAULT_MAX_DEPTH). */
#define JSON_DEPTH 256

static char *read_file(const char *path, size_t *len_out)
{
	int fd = open(path, O_RDONLY);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0) {
		fprintf(stderr, "migplan-floor: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	size_t size = (size_t)sb.st_size, len = 0;
	char *buf = malloc(size + 1);
	while (buf && len < size) {
		ssize_t n = read(fd, buf + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (!buf || len != size) {
		fprintf(stderr, "migplan-floor: %s: short read\n", path);
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	*len_out = len;
	return buf;
}

static int is_yaml(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot && (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0);
}

/* Every event of the stream, each released at once: libyaml's cost and nothing more. */
static long parse_yaml(const char *path, const char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t event;
	long events = 0;
	if (!yaml_parser_initialize(&parser))
		return -1;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	for (;;) {
		if (!yaml_parser_parse(&parser, &event)) {
			fprintf(stderr, "migplan-floor: %s:%zu: %s\n", path,
			        parser.problem_mark.line + 1, parser.problem ? parser.problem : "error");
			events = -1;
			break;
		}
		events++;
		int done = event.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&event);
		if (done)
			break;
	}
	yaml_parser_delete(&parser);
	return events;
}

static json_object *parse_json(const char *path, const char *buf, size_t len)
{
	json_tokener *tok = json_tokener_new_ex(JSON_DEPTH);
	if (!tok)
		return NULL;
	json_object *obj = json_tokener_parse_ex(tok, buf, (int)len);
	enum json_tokener_error err = json_tokener_get_error(tok);
	if (!obj || err != json_tokener_success) {
		fprintf(stderr, "migplan-floor: %s: %s\n", path, json_tokener_error_desc(err));
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: migplan-floor FILE...\n");
		return 64;
	}
	json_object **doms = calloc((size_t)argc, sizeof *doms);
	long events = 0;
	int ndoms = 0, status = 0;
	for (int i = 1; i < argc && status == 0; i++) {
		size_t len;
		char *buf = read_file(argv[i], &len);
		if (!buf) {
			status = 1;
			break;
		}
		if (is_yaml(argv[i])) {
			long n = parse_yaml(argv[i], buf, len);
			if (n < 0)
				status = 1;
			else
				events += n;
		} else if ((doms[ndoms] = parse_json(argv[i], buf, len)) != NULL) {
			ndoms++;
		} else {
			status = 1;
		}
		free(buf);
	}
	if (status == 0)
		printf("yaml events %ld, json documents %d\n", events, ndoms);
	for (int i = 0; i < ndoms; i++)
		json_object_put(doms[i]);
	free(doms);
	return status;
}
