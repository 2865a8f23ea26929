#!/usr/bin/env python3
"""Drops one file's pages from the page cache (posix_fadvise DONTNEED).

Only that file's clean, unmapped pages go; nothing else on the machine is
touched (unlike writing to /proc/sys/vm/drop_caches, which needs privileges
this machine does not grant and would disturb other jobs).

Usage: evict.py FILE...
"""

import os
import sys

for path in sys.argv[1:]:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
