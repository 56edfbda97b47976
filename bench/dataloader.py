"""Benchmark (not a test): items per second of `layered`'s `DataLoader` against `torch.utils.data.DataLoader`.

Both load the same in-memory dataset (100k items, each a float tensor of 16 values and an int label) in
shuffled batches of 64, with `num_workers` 0 and 2, in the same process and with the same torch thread count.
Runs alternate between the two loaders so that noise from a shared machine hits both alike; each figure is
the best of `--reps` full epochs after a warm-up epoch. The goal is a ratio (layered/torch) of at least 0.9.

Usage: python bench/dataloader.py [--n 100000] [--bs 64] [--reps 5] [--workers 0 2]
"""
import argparse, statistics, time
import torch
import torch.utils.data as tud
from layered.data.load import DataLoader

GOAL = 0.9

def make_dataset(n:int) -> list:
    "`n` items, each a tuple of a float tensor of 16 values and an int label"
    xs,ys = torch.randn(n, 16),torch.randint(0, 10, (n,)).tolist()
    return list(zip(xs.unbind(0), ys))

def epoch_time(dl) -> float:
    "Seconds to load every batch of `dl` once"
    start = time.perf_counter()
    for b in dl: pass
    return time.perf_counter() - start

def compare(ds:list, bs:int, num_workers:int, reps:int) -> tuple:
    "Best and median items/s of torch's and layered's loaders, alternating runs"
    loaders = {'torch': tud.DataLoader(ds, batch_size=bs, shuffle=True, num_workers=num_workers),
               'layered': DataLoader(ds, bs=bs, shuffle=True, num_workers=num_workers)}
    times = {k: [] for k in loaders}
    for k,dl in loaders.items(): epoch_time(dl)  # warm up
    for _ in range(reps):
        for k,dl in loaders.items(): times[k].append(epoch_time(dl))
    return {k: (len(ds)/min(ts), len(ds)/statistics.median(ts)) for k,ts in times.items()}

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=100_000)
    p.add_argument('--bs', type=int, default=64)
    p.add_argument('--reps', type=int, default=5)
    p.add_argument('--workers', type=int, nargs='+', default=[0, 2])
    a = p.parse_args()
    ds = make_dataset(a.n)
    print(f"{a.n} items of (float tensor of 16, int), bs={a.bs}, shuffle=True, torch {torch.__version__}, "
          f"{torch.get_num_threads()} torch threads, best and median of {a.reps} epochs")
    for nw in a.workers:
        r = compare(ds, a.bs, nw, a.reps)
        best,med = r['layered'][0]/r['torch'][0],r['layered'][1]/r['torch'][1]
        print(f"num_workers={nw}: torch {r['torch'][0]:,.0f} items/s (median {r['torch'][1]:,.0f}), "
              f"layered {r['layered'][0]:,.0f} items/s (median {r['layered'][1]:,.0f})")
        print(f"  ratio layered/torch: best {best:.2f}x, median {med:.2f}x, goal >= {GOAL}x: "
              f"{'met' if best >= GOAL else 'NOT met'}")

if __name__ == '__main__': main()
