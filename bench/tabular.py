"""Benchmark (not a test): rows per second of `TabularDataLoaders` against a plain `torch.utils.data.DataLoader`.

Both load one epoch of ADULT_SAMPLE's 32,561 rows (6 categorical + 1 `_na` column, 3 continuous, the `salary`
target), processed by `Categorify`, `FillMissing` and `Normalize`, in shuffled batches of 64 (the last short
batch dropped), in this process (`num_workers=0`), on the CPU. The plain loader reads a `TensorDataset` of the
very tensors the tabular loader indexes, so only the way batches are made differs: one index per batch
against one `__getitem__` per row and a collation. Runs alternate between the two loaders so that noise from
a shared machine hits both alike; each figure is the best of `--reps` epochs after a warm-up epoch.
The goal is a ratio (layered/torch) of at least 0.8.

The archive comes through `untar_data`, from the mirror in `$LAYERED_MIRROR` (default: `<repo>/../shared/data`),
extracted into a temporary `LAYERED_HOME` unless one is set.

Usage: python bench/tabular.py [--bs 64] [--reps 5]
"""
import argparse, os, statistics, tempfile, time
from pathlib import Path
import torch
import torch.utils.data as tud

GOAL = 0.8
CAT_NAMES = ['workclass', 'education', 'marital-status', 'occupation', 'relationship', 'race']
CONT_NAMES = ['age', 'fnlwgt', 'education-num']

def epoch(dl) -> tuple:
    "Seconds to load every batch of `dl` once, and the number of rows loaded"
    start,rows = time.perf_counter(),0
    for b in dl: rows += len(b[0])
    return time.perf_counter() - start, rows

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--bs', type=int, default=64)
    p.add_argument('--reps', type=int, default=5)
    a = p.parse_args()
    os.environ.setdefault('LAYERED_MIRROR', str(Path(__file__).resolve().parents[2]/'shared'/'data'))
    home = None if os.environ.get('LAYERED_HOME') else tempfile.TemporaryDirectory()
    if home is not None: os.environ['LAYERED_HOME'] = home.name
    import pandas as pd
    from layered.data.external import untar_data, URLs
    from layered.data.transforms import Normalize
    from layered.tabular.core import TabularDataLoaders, Categorify, FillMissing

    df = pd.read_csv(untar_data(URLs.ADULT_SAMPLE)/'adult.csv', skipinitialspace=True)
    start = time.perf_counter()
    dls = TabularDataLoaders.from_df(df, procs=[Categorify, FillMissing, Normalize], cat_names=CAT_NAMES, cont_names=CONT_NAMES,
                                     y_names='salary', valid_idx=[], bs=a.bs, device='cpu')
    setup = time.perf_counter() - start
    loaders = {'torch': tud.DataLoader(tud.TensorDataset(*dls.train_ds.tensors), batch_size=a.bs, shuffle=True, drop_last=True),
               'layered': dls.train}
    times = {k: [] for k in loaders}
    rows = {k: epoch(dl)[1] for k,dl in loaders.items()}  # warm up
    for _ in range(a.reps):
        for k,dl in loaders.items(): times[k].append(epoch(dl)[0])
    r = {k: (rows[k]/min(ts), rows[k]/statistics.median(ts)) for k,ts in times.items()}
    best,med = r['layered'][0]/r['torch'][0],r['layered'][1]/r['torch'][1]
    print(f"ADULT_SAMPLE: {len(df)} rows, {rows['layered']} per epoch (bs={a.bs}, shuffle, drop_last), torch {torch.__version__}, "
          f"{torch.get_num_threads()} torch threads, best and median of {a.reps} epochs; "
          f"TabularDataLoaders.from_df (processing included) took {setup:.2f} s")
    print(f"torch DataLoader(TensorDataset): {r['torch'][0]:,.0f} rows/s (median {r['torch'][1]:,.0f})")
    print(f"layered TabDataLoader:           {r['layered'][0]:,.0f} rows/s (median {r['layered'][1]:,.0f})")
    print(f"ratio layered/torch: best {best:.1f}x, median {med:.1f}x, goal >= {GOAL}x: {'met' if best >= GOAL else 'NOT met'}")
    if home is not None: home.cleanup()

if __name__ == '__main__': main()
