"""How the Python batch form scales with cores.

    python tools/python/bench_batch.py [--images DIR] [--repeat 3]

Loads every JPEG/PNG under DIR (default ../shared/corpus/photos) into memory,
then, each in a fresh process so that rayon's pool is sized anew, times:

- `loop`: `kenmerk.hash_image(bytes)` called once per image (one core);
- `batch, 1 thread`: `kenmerk.hash_images(all)` with RAYON_NUM_THREADS=1;
- `batch, N threads`: the same with RAYON_NUM_THREADS=N for N = 2..cores;
- `2 Python threads`: two `threading.Thread`s each looping `hash_image` over
  half the images (shows that a single call releases the GIL).

Prints the best of `--repeat` runs per case as images per second, the
speed-up over `batch, 1 thread`, and CPU time over wall time (how many cores
the process kept busy), plus the load average before and after: on a shared
machine, rerun when the load is high.
Timing only: the results are checked to agree, never asserted on speed.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]


def worker(case: str, folder: str, repeat: int) -> None:
    import threading

    import kenmerk

    files = sorted(
        p for p in pathlib.Path(folder).rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png")
    )
    data = [p.read_bytes() for p in files]
    best, cores_used, result = float("inf"), 0.0, None
    for _ in range(repeat):
        start, cpu_start = time.perf_counter(), time.process_time()
        if case == "loop":
            result = [kenmerk.hash_image(b) for b in data]
        elif case == "threads":
            halves = [data[0::2], data[1::2]]
            out = [None, None]

            def run(i):
                out[i] = [kenmerk.hash_image(b) for b in halves[i]]

            threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            result = [None] * len(data)
            result[0::2], result[1::2] = out[0], out[1]
        else:
            result = kenmerk.hash_images(data)
        wall = time.perf_counter() - start
        if wall < best:
            best, cores_used = wall, (time.process_time() - cpu_start) / wall
    digest = hash(tuple(r if isinstance(r, tuple) else str(r) for r in result))
    print(json.dumps({"images": len(data), "seconds": best, "cores": cores_used, "digest": digest}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", default=str(ROOT.parent / "shared" / "corpus" / "photos"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.images, args.repeat)
        return

    cores = os.cpu_count() or 1
    cases = [("loop", "loop", None), ("batch, 1 thread", "batch", 1)]
    cases += [(f"batch, {n} threads", "batch", n) for n in range(2, cores + 1)]
    cases += [("2 Python threads", "threads", None)]
    print(f"load average before: {os.getloadavg()}")
    rows, digests = [], set()
    for label, case, threads in cases:
        env = dict(os.environ, PYTHONHASHSEED="0")
        if threads:
            env["RAYON_NUM_THREADS"] = str(threads)
        out = subprocess.run(
            [sys.executable, __file__, "--worker", case, "--images", args.images,
             "--repeat", str(args.repeat)],
            env=env, check=True, capture_output=True, text=True,
        ).stdout
        r = json.loads(out)
        digests.add(r["digest"])
        rows.append((label, r["images"], r["seconds"], r["cores"]))
    base = next(s for label, _, s, _ in rows if label == "batch, 1 thread")
    for label, n, seconds, cores_used in rows:
        print(f"{label:20s} {n} images  {seconds:7.3f} s  {n / seconds:7.1f} images/s  "
              f"x{base / seconds:.2f}  CPU/wall {cores_used:.2f}")
    print(f"load average after: {os.getloadavg()}")
    if len(digests) != 1:
        sys.exit("the cases disagree on the hashes")


if __name__ == "__main__":
    main()
