"""Type stubs of kenmerk's native module (re-exported by ``kenmerk``)."""

import os
from typing import Iterable, List, Literal, Optional, Sequence, Tuple, Union, overload

ImageInput = Union[str, "os.PathLike[str]", bytes, bytearray]
"""A path to an image file, or its encoded bytes (JPEG, PNG, WebP, GIF, BMP, TIFF)."""

Frame = Tuple[int, int, str, float]
"""``(frame, quality, hex, timestamp)``: one hashed video frame, the fields of
a line of Meta's vPDQ output."""

VideoMatch = Tuple[int, float, float]
"""``(indicator, query_matched, indicator_matched)``: a matching video
indicator and the percentages of each video's frames that matched."""

Match = Tuple[int, int]
"""``(indicator, distance)``: the indicator's id and the Hamming distance in bits."""

__version__: str
QUALITY_THRESHOLD: int
"""Hashes with a lower quality have too little detail to match (50)."""
DEFAULT_RADIUS: int
"""PDQ's customary match radius (31)."""

class KenmerkError(Exception):
    """An input kenmerk cannot use."""

    kind: str
    """decode, limits, unsupported, corrupt, version, io, invalid_input, expired,
    not_yet_valid, signature, not_built_in or other."""
    path: Optional[str]
    """The file the error is about, if any."""

def hash_image(image: ImageInput) -> Tuple[str, int]:
    """PDQ hash and quality (0-100) of an image file or encoded bytes."""

def hash_image_dihedral(image: ImageInput) -> Tuple[List[str], int]:
    """The 8 hashes (orig, rot90, rot180, rot270, flipx, flipy, flipplus1,
    flipminus1) and the quality."""

@overload
def hash_images(
    images: Iterable[ImageInput], dihedral: Literal[False] = ...
) -> List[Union[Tuple[str, int], KenmerkError]]: ...
@overload
def hash_images(
    images: Iterable[ImageInput], dihedral: Literal[True]
) -> List[Union[Tuple[List[str], int], KenmerkError]]: ...
def hash_images(
    images: Iterable[ImageInput], dihedral: bool = False
) -> List[Union[Tuple[str, int], Tuple[List[str], int], KenmerkError]]:
    """Hashes many images on all cores without the GIL; a failed input's
    entry is a KenmerkError instance (not raised)."""

def hash_video(
    path: Union[str, "os.PathLike[str]"],
    seconds_per_hash: float = 1.0,
    keyframes: bool = False,
) -> List[Frame]:
    """vPDQ hash of a video file: one frame per ``seconds_per_hash`` seconds
    (0: every frame), or the key frames only."""

def hash_videos(
    paths: Iterable[Union[str, "os.PathLike[str]"]],
    seconds_per_hash: float = 1.0,
    keyframes: bool = False,
) -> List[Union[List[Frame], KenmerkError]]:
    """Hashes many videos, one per core, without the GIL; a failed file's
    entry is a KenmerkError instance (not raised)."""

class Index:
    """A memory-mapped indicator file, validated on open; immutable and
    safe to share between threads."""

    def __init__(
        self,
        path: Union[str, "os.PathLike[str]"],
        pubkey: Optional[Union[str, "os.PathLike[str]"]] = None,
    ) -> None:
        """Opens ``path``; an issued file outside its period raises KenmerkError
        (kind ``expired`` or ``not_yet_valid``). With ``pubkey`` (the Centre's
        ``NAME.pub``) the file must be signed with it and unaltered (kind
        ``signature`` otherwise)."""
    @overload
    def match(
        self, query: str, radius: int = 31, dihedral: Literal[False] = ...
    ) -> List[Match]: ...
    @overload
    def match(
        self, query: Sequence[str], radius: int = 31, *, dihedral: Literal[True]
    ) -> List[Match]: ...
    def match(
        self, query: Union[str, Sequence[str]], radius: int = 31, dihedral: bool = False
    ) -> List[Match]:
        """Every indicator within ``radius`` bits, closest first."""
    def match_many(
        self,
        queries: Iterable[Union[str, Sequence[str]]],
        radius: int = 31,
        dihedral: bool = False,
    ) -> List[List[Match]]:
        """``match`` for many queries in one pass, on all cores, without the GIL."""
    def match_video(
        self,
        frames: Sequence[Frame],
        radius: int = 31,
        query_threshold: float = 80.0,
        indicator_threshold: float = 80.0,
    ) -> List[VideoMatch]:
        """Video indicators matching by vPDQ's rule, by indicator id."""
    def verify(self) -> None:
        """Checks the digests and every record (O(n)); raises KenmerkError."""
    def __len__(self) -> int: ...
