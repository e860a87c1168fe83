// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stand-alone driver for fuzz_card.c, built without libFuzzer: replays
 * corpus files (or every file of a directory) or runs seeded random
 * inputs, so the fuzz corpus is a regression test wherever gcc is.
 *
 * usage: fuzz_replay FILE|DIR...
 *        fuzz_replay -r SEED COUNT
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_card.h"

#define MAX_INPUT	(1u << 20)

static unsigned long replayed;

static int replay_file(const char *path)
{
	static uint8_t buf[MAX_INPUT];
	FILE *fp = fopen(path, "rb");
	size_t len;

	if (!fp) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	len = fread(buf, 1, sizeof(buf), fp);
	if (ferror(fp)) {
		fprintf(stderr, "%s: read error\n", path);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, len);
	replayed++;
	return 0;
}

static int replay_path(const char *path)
{
	struct stat st;
	struct dirent *de;
	DIR *dir;
	int ret = 0;

	if (stat(path, &st)) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	dir = opendir(path);
	if (!dir) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(dir))) {
		char sub[4096];

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (stat(sub, &st) == 0 && S_ISREG(st.st_mode) &&
		    replay_file(sub))
			ret = -1;
	}
	closedir(dir);
	return ret;
}

/* xorshift64*: reproducible from the seed alone, on any libc. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static int random_run(unsigned long long seed, unsigned long count)
{
	static uint8_t buf[512];
	uint64_t s = seed * 0x9e3779b97f4a7c15ULL + 1;

	for (unsigned long i = 0; i < count; i++) {
		size_t len = 1 + rng_next(&s) % sizeof(buf);

		for (size_t j = 0; j < len; j++)
			buf[j] = (uint8_t)(rng_next(&s) >> 56);
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("random: %lu inputs from seed %llu, no invariant violated\n",
	       count, seed);
	return 0;
}

int main(int argc, char **argv)
{
	int ret = 0;

	if (argc == 4 && strcmp(argv[1], "-r") == 0)
		return random_run(strtoull(argv[2], NULL, 0),
				  strtoul(argv[3], NULL, 0));
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n"
			"       %s -r SEED COUNT\n", argv[0], argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (replay_path(argv[i]))
			ret = 1;
	printf("replayed %lu inputs, no invariant violated\n", replayed);
	return ret;
}
