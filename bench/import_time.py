"""Benchmark (not a test): the time `from layered.vision.all import *` adds to `import torch`.

Each measurement runs in a fresh interpreter (nothing cached in `sys.modules`), timed from inside it with
`time.perf_counter`, so that interpreter start-up is left out: runs of `import torch` alone alternate with
runs of `import torch; from layered.vision.all import *`, so that noise from a shared machine hits both alike.
Two figures, each from the best of `--reps` runs: the difference between the two kinds of run, and the time
of the second import alone, measured inside the same run (less noisy: torch's own import time varies by
more than layered's whole import on a busy machine). The goal is at most 0.65 s added.
It also lists the heavy optional packages that the import loaded (there should be none), and, with
`--top N`, the N slowest modules of one `python -X importtime` run, to find what to make lazy.

Usage: python bench/import_time.py [--reps 5] [--module layered.vision.all] [--top 0]
"""
import argparse, re, subprocess, sys

GOAL = 0.65
HEAVY = ('pandas', 'sklearn', 'matplotlib', 'scipy', 'torchvision', 'fastprogress', 'sentencepiece')  # PIL is not optional: `PILImage` subclasses its image

_TIMER = """
import time, sys
start = time.perf_counter()
import torch
mid = time.perf_counter()
{stmt}
end = time.perf_counter()
print(mid - start, end - mid)
print('loaded:' + ','.join(m for m in {heavy!r} if m in sys.modules))
"""

def run(stmt:str) -> tuple:
    "Seconds of `import torch` then of `stmt` in a fresh interpreter, and the heavy packages loaded after them"
    out = subprocess.run([sys.executable, '-c', _TIMER.format(stmt=stmt, heavy=HEAVY)], capture_output=True, text=True, check=True)
    torch_secs, secs, heavy = out.stdout.split()[-3:]
    return float(torch_secs), float(secs), [m for m in heavy[len('loaded:'):].split(',') if m]

def slowest(module:str, n:int) -> list:
    "The `n` modules with the largest cumulative import time (seconds, name) when importing `module` after torch"
    err = subprocess.run([sys.executable, '-X', 'importtime', '-c', f'import torch; import {module}'],
                         capture_output=True, text=True, check=True).stderr
    rows = []
    for line in err.splitlines():
        m = re.match(r'import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)', line)
        if m: rows.append((int(m[2]) / 1e6, len(m[3]), m[4]))
    # only what is imported after torch: the rows after torch's own top-level entry
    after = next((i for i, r in enumerate(rows) if r[2] == 'torch' and r[1] == 1), -1) + 1
    return sorted(((t, name) for t, _, name in rows[after:]), reverse=True)[:n]

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--reps', type=int, default=5)
    p.add_argument('--module', default='layered.vision.all')
    p.add_argument('--top', type=int, default=0, help='show the N slowest modules of one -X importtime run')
    a = p.parse_args()
    base, full, inner, heavy = [], [], [], []
    for _ in range(a.reps):
        base.append(run('pass')[0])
        torch_secs, secs, heavy = run(f'from {a.module} import *')
        full.append(torch_secs + secs)
        inner.append(secs)
    added = min(inner)
    print(f'import torch:                                  best {min(base):.3f} s of {a.reps}')
    print(f'import torch; from {a.module} import *: best {min(full):.3f} s of {a.reps} '
          f'(difference: {min(full) - min(base):+.3f} s)')
    print(f'added by {a.module} (its own import, after torch): best {added:.3f} s, median {sorted(inner)[len(inner)//2]:.3f} s '
          f'(goal: at most {GOAL} s) -> {"OK" if added <= GOAL else "OVER"}')
    print(f'heavy optional packages loaded: {", ".join(heavy) if heavy else "none"}')
    if a.top:
        print(f'slowest modules imported after torch (cumulative seconds, one run):')
        for t, name in slowest(a.module, a.top): print(f'  {t:6.3f}  {name}')

if __name__ == '__main__': main()
