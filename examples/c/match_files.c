/*
 * A provider's moderation step in C: hash image files with PDQ and match
 * them against the indicator file of a detection order, through kenmerk's C
 * library. Copy it into your pipeline and replace the file reading with
 * wherever your uploads live.
 *
 *   match_files [--dihedral] [--radius N] INDEX.kmk FILE...
 *
 * Prints CSV "path,indicator,distance,quality", one line per match, like
 * `kenmerk match`. Nothing about a file that matches nothing is printed or
 * kept. A file that cannot be hashed is named on stderr with the reason and
 * the exit status is 1; the other files are still processed.
 *
 * Build: cc -std=c11 $(pkg-config --cflags kenmerk) match_files.c \
 *           $(pkg-config --libs kenmerk) -o match_files
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kenmerk.h"

/* Files larger than this are refused before they are read (kenmerk's own
 * default limit on encoded images). */
#define MAX_FILE_BYTES (64L << 20)

/* Reads a whole file into a new buffer; returns 0 on success. */
static int read_file(const char *path, uint8_t **out, size_t *out_len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "match_files: %s: %s\n", path, strerror(errno));
    return -1;
  }
  int status = -1;
  uint8_t *buf = NULL;
  long size = -1;
  if (fseek(f, 0, SEEK_END) == 0) {
    size = ftell(f);
  }
  if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
    fprintf(stderr, "match_files: %s: cannot determine the size\n", path);
  } else if (size > MAX_FILE_BYTES) {
    fprintf(stderr, "match_files: %s: %ld bytes, over the limit of %ld\n", path, size,
            MAX_FILE_BYTES);
  } else if ((buf = malloc(size > 0 ? (size_t)size : 1)) == NULL) {
    fprintf(stderr, "match_files: %s: out of memory\n", path);
  } else if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
    fprintf(stderr, "match_files: %s: read error\n", path);
  } else {
    *out = buf;
    *out_len = (size_t)size;
    buf = NULL;
    status = 0;
  }
  free(buf);
  fclose(f);
  return status;
}

/* Names a failed call on stderr with its code's message and the detail. */
static void report(const char *path, kenmerk_result r) {
  char detail[512];
  size_t detail_len = 0;
  if (kenmerk_last_error_message(detail, sizeof detail, &detail_len) != KENMERK_RESULT_OK) {
    detail[0] = '\0';
  }
  fprintf(stderr, "match_files: %s: %s (%s)\n", path, kenmerk_result_message(r), detail);
}

/* Searches one file's hash(es); grows the match array when it is too small.
 * Returns 0 on success and leaves the matches in *matches / *count. */
static kenmerk_result search(const kenmerk_index *index, const uint8_t *hashes, int dihedral,
                             uint32_t radius, kenmerk_match **matches, size_t *capacity,
                             size_t *count) {
  for (;;) {
    kenmerk_result r =
        dihedral ? kenmerk_index_search_dihedral(index, hashes, radius, *matches, *capacity, count)
                 : kenmerk_index_search(index, hashes, radius, *matches, *capacity, count);
    if (r != KENMERK_RESULT_INSUFFICIENT_CAPACITY) {
      return r;
    }
    /* *count holds the number needed; nothing was written. */
    kenmerk_match *bigger = realloc(*matches, *count * sizeof **matches);
    if (bigger == NULL) {
      return r;
    }
    *matches = bigger;
    *capacity = *count;
  }
}

int main(int argc, char **argv) {
  int dihedral = 0;
  uint32_t radius = KENMERK_DEFAULT_RADIUS;
  int arg = 1;
  for (; arg < argc && strncmp(argv[arg], "--", 2) == 0; arg++) {
    if (strcmp(argv[arg], "--dihedral") == 0) {
      dihedral = 1;
    } else if (strcmp(argv[arg], "--radius") == 0 && arg + 1 < argc) {
      radius = (uint32_t)strtoul(argv[++arg], NULL, 10);
    } else {
      break;
    }
  }
  if (argc - arg < 1) {
    fprintf(stderr, "usage: match_files [--dihedral] [--radius N] INDEX.kmk FILE...\n");
    return 2;
  }

  /* Open once and share: opening maps the file and reads only the header;
   * the handle may be searched from any number of threads. */
  kenmerk_index *index = NULL;
  kenmerk_result r = kenmerk_index_open(argv[arg], &index);
  if (r != KENMERK_RESULT_OK) {
    report(argv[arg], r);
    return 1;
  }

  int status = 0;
  size_t capacity = 16, count = 0;
  kenmerk_match *matches = malloc(capacity * sizeof *matches);
  if (matches == NULL) {
    kenmerk_index_free(index);
    return 1;
  }
  printf("path,indicator,distance,quality\n");
  for (int i = arg + 1; i < argc; i++) {
    const char *path = argv[i];
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (read_file(path, &bytes, &len) != 0) {
      status = 1;
      continue;
    }
    uint8_t hashes[KENMERK_DIHEDRAL_HASH_BYTES];
    int quality = 0;
    r = dihedral ? kenmerk_hash_image_dihedral(bytes, len, hashes, &quality)
                 : kenmerk_hash_image(bytes, len, hashes, &quality);
    free(bytes);
    if (r != KENMERK_RESULT_OK) {
      report(path, r);
      status = 1;
      continue;
    }
    if (quality < KENMERK_QUALITY_THRESHOLD) {
      /* Too little detail for PDQ to decide: route to other checks. */
      fprintf(stderr, "match_files: %s: quality %d is below %d, not matched\n", path, quality,
              KENMERK_QUALITY_THRESHOLD);
      continue;
    }
    r = search(index, hashes, dihedral, radius, &matches, &capacity, &count);
    if (r != KENMERK_RESULT_OK) {
      report(path, r);
      status = 1;
      continue;
    }
    for (size_t m = 0; m < count; m++) {
      printf("%s,%llu,%u,%d\n", path, (unsigned long long)matches[m].indicator,
             (unsigned)matches[m].distance, quality);
    }
  }
  free(matches);
  kenmerk_index_free(index);
  return status;
}
