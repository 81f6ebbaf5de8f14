"""Peak memory of prediction on long sequences: B = 32, T = 100,000, H = 64, D = K = 1.

Each case runs in its own process and reports the peak resident memory above what the process
held with the model and the data loaded (the input X alone is 12.8 MB; a many-to-many output as
much again). Run: python benchmarks/memory.py   (about 15 s)
"""
import subprocess
import sys

CASE = r'''
import resource, sys, time
import numpy as np
import rnnlab as rl

def rss_mb():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) / 1024 for l in f if l.startswith("VmRSS:"))

cell, mapping = sys.argv[1], sys.argv[2]
X = np.random.default_rng(0).standard_normal((32, 100_000, 1)).astype(np.float32)
m = rl.RNN(1, 64, 1, cell=cell, mapping=mapping)
m.predict(X[:, :100])
base = rss_mb()
t0 = time.perf_counter()
y = m.predict(X)
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"| {cell} | {mapping} | {y.shape} | {peak - base:.0f} | {seconds:.1f} |")
'''

if __name__ == "__main__":
    print("| cell | mapping | output | peak MB above data | seconds |\n|---|---|---|---|---|")
    for cell, mapping in [("elman", "many-to-one"), ("lstm", "many-to-many"),
                          ("lstm", "many-to-one"), ("gru", "many-to-one")]:
        out = subprocess.run([sys.executable, "-c", CASE, cell, mapping], capture_output=True,
                             text=True, check=True)
        print(out.stdout.strip(), flush=True)
