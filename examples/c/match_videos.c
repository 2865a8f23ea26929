/*
 * A provider's moderation step for videos in C: hash video files with vPDQ
 * (one frame per second, as Meta's tools do) and match them against the
 * video indicators of a detection order's indicator file, through kenmerk's
 * C library.
 *
 *   match_videos [--query-threshold Q] [--indicator-threshold I] INDEX.kmk FILE...
 *
 * Prints CSV "path,indicator,query_matched,indicator_matched" (percentages
 * of each video's frames that matched), one line per matching video
 * indicator, like `kenmerk match --video`. Nothing about a video that
 * matches nothing is printed or kept. A file that cannot be hashed is named
 * on stderr with the reason and the exit status is 1; the other files are
 * still processed.
 *
 * Build: cc -std=c11 $(pkg-config --cflags kenmerk) match_videos.c \
 *           $(pkg-config --libs kenmerk) -o match_videos
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kenmerk.h"

/* Names a failed call on stderr with its code's message and the detail. */
static void report(const char *path, kenmerk_result r) {
  char detail[512];
  size_t detail_len = 0;
  if (kenmerk_last_error_message(detail, sizeof detail, &detail_len) != KENMERK_RESULT_OK) {
    detail[0] = '\0';
  }
  fprintf(stderr, "match_videos: %s: %s (%s)\n", path, kenmerk_result_message(r), detail);
}

/* Matches one video; grows the match array when it is too small. */
static kenmerk_result match(const kenmerk_index *index, const kenmerk_video *video,
                            double query_threshold, double indicator_threshold,
                            kenmerk_video_match **matches, size_t *capacity, size_t *count) {
  for (;;) {
    kenmerk_result r =
        kenmerk_index_match_video(index, video, KENMERK_DEFAULT_RADIUS, query_threshold,
                                  indicator_threshold, *matches, *capacity, count);
    if (r != KENMERK_RESULT_INSUFFICIENT_CAPACITY) {
      return r;
    }
    /* *count holds the number needed; nothing was written. */
    kenmerk_video_match *bigger = realloc(*matches, *count * sizeof **matches);
    if (bigger == NULL) {
      return r;
    }
    *matches = bigger;
    *capacity = *count;
  }
}

int main(int argc, char **argv) {
  double query_threshold = 80.0, indicator_threshold = 80.0;
  int arg = 1;
  for (; arg + 1 < argc && strncmp(argv[arg], "--", 2) == 0; arg += 2) {
    if (strcmp(argv[arg], "--query-threshold") == 0) {
      query_threshold = strtod(argv[arg + 1], NULL);
    } else if (strcmp(argv[arg], "--indicator-threshold") == 0) {
      indicator_threshold = strtod(argv[arg + 1], NULL);
    } else {
      break;
    }
  }
  if (argc - arg < 1) {
    fprintf(stderr,
            "usage: match_videos [--query-threshold Q] [--indicator-threshold I] INDEX.kmk "
            "FILE...\n");
    return 2;
  }

  kenmerk_index *index = NULL;
  kenmerk_result r = kenmerk_index_open(argv[arg], &index);
  if (r != KENMERK_RESULT_OK) {
    report(argv[arg], r);
    return 1;
  }

  int status = 0;
  size_t capacity = 4, count = 0;
  kenmerk_video_match *matches = malloc(capacity * sizeof *matches);
  if (matches == NULL) {
    kenmerk_index_free(index);
    return 1;
  }
  printf("path,indicator,query_matched,indicator_matched\n");
  for (int i = arg + 1; i < argc; i++) {
    const char *path = argv[i];
    kenmerk_video *video = NULL;
    /* Duration, frame count and resolution are checked before decoding. */
    r = kenmerk_hash_video_file(path, 1.0, 0, &video);
    if (r != KENMERK_RESULT_OK) {
      report(path, r);
      status = 1;
      continue;
    }
    r = match(index, video, query_threshold, indicator_threshold, &matches, &capacity, &count);
    kenmerk_video_free(video);
    if (r != KENMERK_RESULT_OK) {
      report(path, r);
      status = 1;
      continue;
    }
    for (size_t m = 0; m < count; m++) {
      printf("%s,%llu,%.2f,%.2f\n", path, (unsigned long long)matches[m].indicator,
             matches[m].query_matched, matches[m].indicator_matched);
    }
  }
  free(matches);
  kenmerk_index_free(index);
  return status;
}
