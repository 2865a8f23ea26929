"""kenmerk: Meta-compatible PDQ hashing and exact matching against indicator files.

Hashes are Meta's 64-digit hex strings, bit for bit what Meta's reference
computes, so they interoperate with the industry's hash lists. An ``Index``
is a memory-mapped indicator file (``.kmk``); matching is exact.

>>> import kenmerk
>>> index = kenmerk.Index("order.kmk")                      # doctest: +SKIP
>>> hex, quality = kenmerk.hash_image("upload.jpg")         # doctest: +SKIP
>>> if quality >= kenmerk.QUALITY_THRESHOLD:                # doctest: +SKIP
...     print(index.match(hex, radius=31))
>>> frames = kenmerk.hash_video("upload.mp4")              # doctest: +SKIP
>>> index.match_video(frames)                              # doctest: +SKIP
"""

from ._kenmerk import (
    DEFAULT_RADIUS,
    QUALITY_THRESHOLD,
    Index,
    KenmerkError,
    __version__,
    hash_image,
    hash_image_dihedral,
    hash_images,
    hash_video,
    hash_videos,
)

__all__ = [
    "DEFAULT_RADIUS",
    "QUALITY_THRESHOLD",
    "Index",
    "KenmerkError",
    "__version__",
    "hash_image",
    "hash_image_dihedral",
    "hash_images",
    "hash_video",
    "hash_videos",
]
