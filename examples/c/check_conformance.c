/*
 * Checks kenmerk's C library from its header alone, the way a provider
 * would before relying on it:
 *
 *   - PNGs hash bit-exact with Meta's PDQ (hash, quality and the eight
 *     dihedral hashes), from the expected values of Meta's C++;
 *   - each one is found in an indicator file at distance 0, also when the
 *     handle is searched from several threads at once;
 *   - junk bytes, truncated images, missing and corrupt indicator files,
 *     bad pixel buffers and NULL pointers give error codes, not crashes,
 *     and leave the outputs untouched;
 *   - a too-small match array reports the size it needs.
 *
 *   check_conformance INDEX.kmk EXPECTED.csv
 *
 * EXPECTED.csv has lines "path,hex,quality,indicator,h0|h1|...|h7" (the
 * expected values from Meta's reference and the id the file's hash has in
 * INDEX.kmk). Ends with "N passed, N failed"; exit status 1 on a failure.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kenmerk.h"

#define MAX_IMAGES 64
#define THREADS 4

static int passed, failed;

#define CHECK(cond, ...)                 \
  do {                                   \
    if (cond) {                          \
      passed++;                          \
    } else {                             \
      failed++;                          \
      fprintf(stderr, "FAIL: ");         \
      fprintf(stderr, __VA_ARGS__);      \
      fprintf(stderr, "\n");             \
    }                                    \
  } while (0)

struct expected {
  char path[1024];
  uint8_t hash[KENMERK_HASH_BYTES];
  int quality;
  uint64_t indicator;
  uint8_t dihedral[KENMERK_DIHEDRAL_HASH_BYTES];
};

static struct expected images[MAX_IMAGES];
static size_t image_count;
static kenmerk_index *shared_index;

static int parse_hex(const char *hex, uint8_t out[KENMERK_HASH_BYTES]) {
  for (int i = 0; i < KENMERK_HASH_BYTES; i++) {
    unsigned byte;
    if (sscanf(hex + 2 * i, "%2x", &byte) != 1) {
      return -1;
    }
    out[i] = (uint8_t)byte;
  }
  return 0;
}

static int load_expected(const char *csv) {
  FILE *f = fopen(csv, "r");
  if (f == NULL) {
    perror(csv);
    return -1;
  }
  char line[4096];
  while (fgets(line, sizeof line, f) != NULL && image_count < MAX_IMAGES) {
    struct expected *e = &images[image_count];
    char *fields[5];
    char *rest = line;
    int n = 0;
    for (; n < 5 && rest != NULL; n++) {
      fields[n] = rest;
      rest = strpbrk(rest, ",\n");
      if (rest != NULL) {
        *rest++ = '\0';
      }
    }
    if (n != 5 || strlen(fields[0]) >= sizeof e->path || parse_hex(fields[1], e->hash) != 0) {
      fprintf(stderr, "%s: bad line\n", csv);
      fclose(f);
      return -1;
    }
    strcpy(e->path, fields[0]);
    e->quality = atoi(fields[2]);
    e->indicator = strtoull(fields[3], NULL, 10);
    for (int v = 0; v < 8; v++) {
      if (parse_hex(fields[4] + 65 * v, e->dihedral + KENMERK_HASH_BYTES * v) != 0) {
        fprintf(stderr, "%s: bad dihedral hashes\n", csv);
        fclose(f);
        return -1;
      }
    }
    image_count++;
  }
  fclose(f);
  return 0;
}

static uint8_t *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    return NULL;
  }
  uint8_t *buf = NULL;
  size_t size = 0, cap = 0, got;
  do {
    if (size == cap) {
      cap = cap ? 2 * cap : 1 << 16;
      uint8_t *bigger = realloc(buf, cap);
      if (bigger == NULL) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = bigger;
    }
    got = fread(buf + size, 1, cap - size, f);
    size += got;
  } while (got > 0);
  fclose(f);
  *len = size;
  return buf;
}

/* Whether `matches` holds `indicator` at distance 0. */
static int has_exact(const kenmerk_match *matches, size_t n, uint64_t indicator) {
  for (size_t i = 0; i < n; i++) {
    if (matches[i].indicator == indicator && matches[i].distance == 0) {
      return 1;
    }
  }
  return 0;
}

static void check_image(const struct expected *e) {
  size_t len = 0;
  uint8_t *bytes = read_all(e->path, &len);
  CHECK(bytes != NULL, "%s: cannot read", e->path);
  if (bytes == NULL) {
    return;
  }
  uint8_t hash[KENMERK_HASH_BYTES];
  int quality = -1;
  kenmerk_result r = kenmerk_hash_image(bytes, len, hash, &quality);
  CHECK(r == KENMERK_RESULT_OK, "%s: hash_image gave %s", e->path, kenmerk_result_message(r));
  CHECK(memcmp(hash, e->hash, sizeof hash) == 0, "%s: hash differs from Meta's", e->path);
  CHECK(quality == e->quality, "%s: quality %d, Meta's %d", e->path, quality, e->quality);

  uint8_t dihedral[KENMERK_DIHEDRAL_HASH_BYTES];
  r = kenmerk_hash_image_dihedral(bytes, len, dihedral, &quality);
  CHECK(r == KENMERK_RESULT_OK, "%s: hash_image_dihedral gave %s", e->path,
        kenmerk_result_message(r));
  CHECK(memcmp(dihedral, e->dihedral, sizeof dihedral) == 0,
        "%s: dihedral hashes differ from Meta's", e->path);

  /* A truncated copy of a real image is an error, not a crash. */
  r = kenmerk_hash_image(bytes, len / 3, hash, &quality);
  CHECK(r == KENMERK_RESULT_DECODE, "%s truncated: %s", e->path, kenmerk_result_message(r));
  free(bytes);

  kenmerk_match matches[64];
  size_t n = 0;
  r = kenmerk_index_search(shared_index, e->hash, KENMERK_DEFAULT_RADIUS, matches, 64, &n);
  CHECK(r == KENMERK_RESULT_OK && has_exact(matches, n, e->indicator),
        "%s: indicator %llu not found at distance 0", e->path,
        (unsigned long long)e->indicator);
  for (size_t i = 1; r == KENMERK_RESULT_OK && i < n; i++) {
    CHECK(matches[i - 1].distance <= matches[i].distance, "%s: matches not sorted", e->path);
  }
  size_t n8 = 0;
  r = kenmerk_index_search_dihedral(shared_index, e->dihedral, KENMERK_DEFAULT_RADIUS, matches,
                                    64, &n8);
  CHECK(r == KENMERK_RESULT_OK && has_exact(matches, n8, e->indicator) && n8 >= n,
        "%s: dihedral search", e->path);

  /* Too small an array: nothing written, the size needed reported. */
  size_t needed = 0;
  r = kenmerk_index_search(shared_index, e->hash, KENMERK_DEFAULT_RADIUS, NULL, 0, &needed);
  CHECK(r == KENMERK_RESULT_INSUFFICIENT_CAPACITY && needed == n,
        "%s: capacity 0 gave %s, needed %zu of %zu", e->path, kenmerk_result_message(r), needed,
        n);
  if (n >= 2) {
    kenmerk_match sentinel = {.indicator = 77, .distance = 77};
    kenmerk_match small[1] = {sentinel};
    r = kenmerk_index_search(shared_index, e->hash, KENMERK_DEFAULT_RADIUS, small, 1, &needed);
    CHECK(r == KENMERK_RESULT_INSUFFICIENT_CAPACITY && needed == n &&
              small[0].indicator == 77 && small[0].distance == 77,
          "%s: a too-small array was written to", e->path);
  }
}

/* Each thread searches every image's hash on the one shared handle. */
static void *search_all(void *arg) {
  long *errors = arg;
  for (int round = 0; round < 3; round++) {
    for (size_t i = 0; i < image_count; i++) {
      kenmerk_match matches[64];
      size_t n = 0;
      kenmerk_result r = kenmerk_index_search(shared_index, images[i].hash,
                                              KENMERK_DEFAULT_RADIUS, matches, 64, &n);
      if (r != KENMERK_RESULT_OK || !has_exact(matches, n, images[i].indicator)) {
        (*errors)++;
      }
    }
  }
  return NULL;
}

static void check_threads(void) {
  pthread_t threads[THREADS];
  long errors[THREADS] = {0};
  int started = 0;
  for (int t = 0; t < THREADS; t++) {
    if (pthread_create(&threads[t], NULL, search_all, &errors[t]) == 0) {
      started++;
    }
  }
  long total = 0;
  for (int t = 0; t < started; t++) {
    pthread_join(threads[t], NULL);
    total += errors[t];
  }
  CHECK(started == THREADS && total == 0, "%d threads searching one handle: %ld errors", started,
        total);
}

static void check_bad_input(const char *index_path) {
  const uint8_t junk[] = "this is not an image, just some junk bytes";
  uint8_t hash[KENMERK_HASH_BYTES];
  uint8_t before[KENMERK_HASH_BYTES];
  memset(hash, 0xAB, sizeof hash);
  memcpy(before, hash, sizeof hash);
  int quality = -7;

  kenmerk_result r = kenmerk_hash_image(junk, sizeof junk, hash, &quality);
  /* No known signature: not an image format kenmerk reads. */
  CHECK(r == KENMERK_RESULT_UNSUPPORTED, "junk bytes: %s", kenmerk_result_message(r));
  CHECK(memcmp(hash, before, sizeof hash) == 0 && quality == -7,
        "junk bytes: outputs were written on failure");
  char detail[256];
  size_t detail_len = 0;
  r = kenmerk_last_error_message(detail, sizeof detail, &detail_len);
  CHECK(r == KENMERK_RESULT_OK && detail_len > 0 && strlen(detail) == detail_len,
        "last error message after junk bytes");
  r = kenmerk_last_error_message(detail, 4, &detail_len);
  CHECK(r == KENMERK_RESULT_OK && strlen(detail) == 3 && detail_len > 3,
        "last error message is cut to the buffer");
  r = kenmerk_hash_image(junk, 0, hash, &quality);
  CHECK(r == KENMERK_RESULT_UNSUPPORTED, "empty input: %s", kenmerk_result_message(r));

  /* NULLs are reported, never dereferenced. */
  r = kenmerk_hash_image(NULL, 100, hash, &quality);
  CHECK(r == KENMERK_RESULT_NULL_PARAMETER, "NULL bytes: %s", kenmerk_result_message(r));
  r = kenmerk_hash_image(junk, sizeof junk, NULL, &quality);
  CHECK(r == KENMERK_RESULT_NULL_PARAMETER, "NULL out_hash: %s", kenmerk_result_message(r));
  r = kenmerk_hash_image(junk, sizeof junk, hash, NULL);
  CHECK(r == KENMERK_RESULT_NULL_PARAMETER, "NULL out_quality: %s", kenmerk_result_message(r));
  r = kenmerk_hash_image_dihedral(NULL, 0, NULL, NULL);
  CHECK(r == KENMERK_RESULT_NULL_PARAMETER, "dihedral NULLs: %s", kenmerk_result_message(r));
  r = kenmerk_hash_pixels(NULL, 0, 8, 8, 24, KENMERK_PIXEL_FORMAT_RGB8, hash, &quality);
  CHECK(r == KENMERK_RESULT_NULL_PARAMETER, "NULL pixels: %s", kenmerk_result_message(r));

  kenmerk_index *index = (kenmerk_index *)&quality; /* must stay untouched */
  r = kenmerk_index_open(NULL, &index);
  CHECK(r == KENMERK_RESULT_NULL_PARAMETER, "open(NULL): %s", kenmerk_result_message(r));
  r = kenmerk_index_open(index_path, NULL);
  CHECK(r == KENMERK_RESULT_NULL_PARAMETER, "open(path, NULL): %s", kenmerk_result_message(r));
  r = kenmerk_index_open("/nonexistent/kenmerk/order.kmk", &index);
  CHECK(r == KENMERK_RESULT_IO, "missing file: %s", kenmerk_result_message(r));
  r = kenmerk_index_open(images[0].path, &index);
  CHECK(r == KENMERK_RESULT_CORRUPT, "a PNG as indicator file: %s", kenmerk_result_message(r));
  r = kenmerk_index_open_bytes(junk, sizeof junk, &index);
  CHECK(r == KENMERK_RESULT_CORRUPT, "junk indicator bytes: %s", kenmerk_result_message(r));
  CHECK(index == (kenmerk_index *)&quality, "open wrote its output on failure");

  kenmerk_match matches[4];
  size_t n = 99;
  r = kenmerk_index_search(NULL, hash, 31, matches, 4, &n);
  CHECK(r == KENMERK_RESULT_NULL_PARAMETER && n == 99, "search(NULL index): %s",
        kenmerk_result_message(r));
  r = kenmerk_index_search(shared_index, NULL, 31, matches, 4, &n);
  CHECK(r == KENMERK_RESULT_NULL_PARAMETER, "search(NULL hash): %s", kenmerk_result_message(r));
  r = kenmerk_index_search(shared_index, hash, 31, NULL, 4, &n);
  CHECK(r == KENMERK_RESULT_NULL_PARAMETER, "search(NULL out, capacity 4): %s",
        kenmerk_result_message(r));
  r = kenmerk_index_search(shared_index, hash, 31, matches, 4, NULL);
  CHECK(r == KENMERK_RESULT_NULL_PARAMETER, "search(NULL out_len): %s",
        kenmerk_result_message(r));
  r = kenmerk_index_len(NULL, &n);
  CHECK(r == KENMERK_RESULT_NULL_PARAMETER, "len(NULL): %s", kenmerk_result_message(r));
  r = kenmerk_index_verify(NULL);
  CHECK(r == KENMERK_RESULT_NULL_PARAMETER, "verify(NULL): %s", kenmerk_result_message(r));
  kenmerk_index_free(NULL);

  CHECK(strcmp(kenmerk_result_message(KENMERK_RESULT_OK), "success") == 0, "message of OK");
  CHECK(strcmp(kenmerk_result_message(100000), "unknown result code") == 0,
        "message of an unknown code");
  CHECK(strlen(kenmerk_version()) > 0, "version string");
}

/* Decoded pixels: layout, stride and channel order do not change the hash;
 * bad geometry is an error. */
static void check_pixels(void) {
  enum { W = 96, H = 80, STRIDE = W * 3 + 13 };
  static uint8_t rgb[H * W * 3], bgr_padded[H * STRIDE];
  for (int y = 0; y < H; y++) {
    for (int x = 0; x < W; x++) {
      uint8_t r = (uint8_t)(x * 5 + y), g = (uint8_t)(y * 7 ^ x), b = (uint8_t)((x * y) >> 3);
      uint8_t *p = &rgb[(y * W + x) * 3];
      uint8_t *q = &bgr_padded[y * STRIDE + x * 3];
      p[0] = r, p[1] = g, p[2] = b;
      q[0] = b, q[1] = g, q[2] = r;
    }
  }
  uint8_t a[KENMERK_HASH_BYTES], b[KENMERK_HASH_BYTES];
  int qa = -1, qb = -1;
  kenmerk_result r =
      kenmerk_hash_pixels(rgb, sizeof rgb, W, H, W * 3, KENMERK_PIXEL_FORMAT_RGB8, a, &qa);
  CHECK(r == KENMERK_RESULT_OK, "hash_pixels RGB: %s", kenmerk_result_message(r));
  r = kenmerk_hash_pixels(bgr_padded, sizeof bgr_padded, W, H, STRIDE, KENMERK_PIXEL_FORMAT_BGR8,
                          b, &qb);
  CHECK(r == KENMERK_RESULT_OK && memcmp(a, b, sizeof a) == 0 && qa == qb,
        "padded BGR hashes as RGB");
  uint8_t all[KENMERK_DIHEDRAL_HASH_BYTES];
  r = kenmerk_hash_pixels_dihedral(rgb, sizeof rgb, W, H, W * 3, KENMERK_PIXEL_FORMAT_RGB8, all,
                                   &qb);
  CHECK(r == KENMERK_RESULT_OK && memcmp(all, a, sizeof a) == 0,
        "first dihedral hash is the plain hash");
  r = kenmerk_hash_pixels(rgb, sizeof rgb - 1, W, H, W * 3, KENMERK_PIXEL_FORMAT_RGB8, b, &qb);
  CHECK(r == KENMERK_RESULT_INVALID_ARGUMENT, "short buffer: %s", kenmerk_result_message(r));
  r = kenmerk_hash_pixels(rgb, sizeof rgb, W, H, W * 3 - 1, KENMERK_PIXEL_FORMAT_RGB8, b, &qb);
  CHECK(r == KENMERK_RESULT_INVALID_ARGUMENT, "short stride: %s", kenmerk_result_message(r));
  r = kenmerk_hash_pixels(rgb, sizeof rgb, W, H, W * 3, 0, b, &qb);
  CHECK(r == KENMERK_RESULT_INVALID_ARGUMENT, "format 0: %s", kenmerk_result_message(r));
  r = kenmerk_hash_pixels(rgb, sizeof rgb, 0xFFFFFFFFu, 0xFFFFFFFFu, (size_t)-1,
                          KENMERK_PIXEL_FORMAT_RGBA8, b, &qb);
  CHECK(r == KENMERK_RESULT_INVALID_ARGUMENT, "huge geometry: %s", kenmerk_result_message(r));
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: check_conformance INDEX.kmk EXPECTED.csv\n");
    return 2;
  }
  if (load_expected(argv[2]) != 0 || image_count == 0) {
    fprintf(stderr, "check_conformance: no expected images in %s\n", argv[2]);
    return 2;
  }
  kenmerk_result r = kenmerk_index_open(argv[1], &shared_index);
  if (r != KENMERK_RESULT_OK) {
    fprintf(stderr, "check_conformance: %s: %s\n", argv[1], kenmerk_result_message(r));
    return 2;
  }
  size_t len = 0;
  r = kenmerk_index_len(shared_index, &len);
  CHECK(r == KENMERK_RESULT_OK && len > 0, "index length");
  r = kenmerk_index_verify(shared_index);
  CHECK(r == KENMERK_RESULT_OK, "verify: %s", kenmerk_result_message(r));

  for (size_t i = 0; i < image_count; i++) {
    check_image(&images[i]);
  }
  check_threads();
  check_bad_input(argv[1]);
  check_pixels();
  kenmerk_index_free(shared_index);

  printf("check_conformance: %zu images\n", image_count);
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
