"""Speed-up of a 20-seed sweep on a local Dask cluster of 2 worker processes over the same runs one
after another in one process (serial), for a seeded training run of one to a few seconds.

    .venv/bin/python benchmarks/sweep_speedup.py               # 20 seeds, 2 workers
    .venv/bin/python benchmarks/sweep_speedup.py --seeds 8 --epochs 10    # a quicker look

Each run trains rl.RNN(1, 32, 1) on a seeded sine-echo task and returns its final loss. Printed:
the serial time, the sweep's time end to end (starting and stopping the cluster included, as
`rnnlab sweep --workers 2` does) and on an already running cluster, and the two speed-ups. The
serial loop and the workers both run BLAS on one thread (workers get OPENBLAS_NUM_THREADS=1
from Dask, the serial loop through the environment before NumPy loads) and glibc's allocator
with rl.tune_malloc's thresholds, so the speed-up measures the processes, not BLAS or malloc.
Also printed: the CPU time the runs took in each case. On a machine shared with other jobs, Linux
(with sched_autogroup, the default on desktops and these VMs) gives each session one fair share
of the CPUs, so the 2 workers, in the session of this script, split one share: the wall-clock
speed-up there says little; the CPU times still show Dask's own cost per run.
"""
import argparse
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")        # the serial loop: one BLAS thread,
os.environ.setdefault("OMP_NUM_THREADS", "1")             # as each Dask worker has

import numpy as np  # noqa: E402


def train(config, seed):
    """One run: a seeded Elman RNN fitted to echo a sine with a lag; its final training loss."""
    import rnnlab as rl
    cpu = time.process_time()
    rng = np.random.default_rng(seed)
    t = np.arange(config["T"] + 3) * 0.3
    phase = rng.uniform(0, 2 * np.pi, size=(config["n"], 1))
    wave = np.sin(t + phase)[..., None]                       # (n, T + 3, 1)
    X, Y = wave[:, 3:], wave[:, :-3]                          # echo the input 3 steps back
    model = rl.RNN(1, config["hidden"], 1, seed=seed)
    hist = model.fit(X, Y, lr=0.01, epochs=config["epochs"], batch_size=32, seed=seed,
                     progress=False)
    return {"loss": float(hist.loss[-1]), "cpu": time.process_time() - cpu}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", type=int, default=20)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--epochs", type=int, default=200)
    args = p.parse_args(argv)
    import rnnlab as rl
    from rnnlab.sweeps import engine
    rl.tune_malloc()                       # as the `rnnlab` command does (and sweep workers)
    config = {"T": 50, "n": 256, "hidden": 32, "epochs": args.epochs}
    seeds = list(range(args.seeds))

    start = time.perf_counter()
    serial = [train(config, s) for s in seeds]
    t_serial = time.perf_counter() - start

    start = time.perf_counter()
    rows = rl.sweep(train, grid=[config], seeds=seeds, workers=args.workers, frame=False)
    t_sweep = time.perf_counter() - start

    with engine.connect(workers=args.workers) as client:    # the cluster rl.sweep starts
        client.run(__import__, "rnnlab.train")               # workers up, rnnlab imported
        assert set(client.run(os.environ.get, "MALLOC_MMAP_THRESHOLD_").values()) == \
            {str(32 << 20)}
        start = time.perf_counter()
        warm = rl.sweep(train, grid=[config], seeds=seeds, client=client, frame=False)
        t_warm = time.perf_counter() - start

    cpu_serial, cpu_sweep = (sum(r["cpu"] for r in rs) for rs in (serial, warm))
    same = [r["loss"] for r in rows] == [r["loss"] for r in serial] == [r["loss"] for r in warm]
    print(f"# {len(seeds)} runs of about {t_serial / len(seeds):.2f} s; {os.cpu_count()} cores; "
          f"load average (1 min) at the end: {os.getloadavg()[0]:.1f}")
    print(f"serial, one process:                   {t_serial:7.1f} s")
    print(f"sweep, {args.workers} workers, cluster started:   {t_sweep:7.1f} s   "
          f"speed-up {t_serial / t_sweep:.2f}x")
    print(f"sweep, {args.workers} workers, cluster running:   {t_warm:7.1f} s   "
          f"speed-up {t_serial / t_warm:.2f}x")
    print(f"CPU seconds of the runs: serial {cpu_serial:.1f}, on the workers {cpu_sweep:.1f}; "
          f"the bound for {args.workers} workers on an otherwise idle machine: "
          f"{args.workers * cpu_serial / cpu_sweep:.2f}x")
    print(f"same losses in all three: {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
