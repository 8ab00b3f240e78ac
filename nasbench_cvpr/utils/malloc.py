"""Keep glibc from holding freed batch buffers (Linux only, best effort).

glibc serves allocations above a threshold (128 KB by default) with their own
``mmap`` and returns them to the system when freed; but after such a block is
freed it raises the threshold to that block's size, so later allocations of
the same size come from the heap, where freed space is often kept. Scoring
normalises one batch of images at a time (tens of MB at 224 x 224); with
the dynamic threshold the process kept about 2 GB more than it used for 4,000
ImageNet-sized images (``benchmarks/scoring_memory.py``). Setting the
threshold explicitly turns the adjustment off.
"""
import ctypes
import ctypes.util
import functools

#: ``mallopt`` parameter number of ``M_MMAP_THRESHOLD`` (glibc malloc.h).
M_MMAP_THRESHOLD = -3
#: glibc's default threshold.
DEFAULT_MMAP_THRESHOLD = 128 * 1024


@functools.lru_cache(maxsize=None)
def fix_mmap_threshold(threshold: int = DEFAULT_MMAP_THRESHOLD) -> bool:
    """Pin glibc's mmap threshold (disables its dynamic adjustment).

    Args:
        threshold: Allocations of at least this many bytes get their own
            mapping, returned to the system when freed.

    Returns:
        Whether it was set (False where glibc's ``mallopt`` is missing).
    """
    name = ctypes.util.find_library('c')
    if not name:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, int(threshold)))
