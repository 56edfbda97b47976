"""Batch augmentation with `aug_transforms` against torchvision's per-item transforms (a benchmark, not a test).

The same 64 images (3x224x224 float in [0, 1]) on the CPU, augmented two ways:
- layered: `aug_transforms()` with its defaults (flip, warp, rotate, zoom, brightness, contrast), which is one
  `AffineCoordTfm` (one `grid_sample` for the whole batch, each item with its own parameters) and one `LightingTfm`;
- torchvision: `transforms.v2` applied to each image in a Python loop, the way a per-item pipeline does it:
  RandomHorizontalFlip, RandomAffine(degrees=10, scale=(1, 1.1)), RandomPerspective(0.2, p=0.75) (the probability
  `aug_transforms` gives its warp, `p_affine`), ColorJitter(brightness=0.2, contrast=0.2). RandomAffine samples with
  nearest neighbours by default; the `bilinear` line asks it for the bilinear interpolation that `aug_transforms` uses,
  which makes it the equivalent path, the one the goal is checked against.
Both are timed in this run, alternately; the best and the median of the repeats are printed (the CPUs are shared
and noisy). Goal: aug_transforms at least 2x faster than the equivalent per-item path (best times).

On the CPU a good part of the batch path's time is page faults: each batch-sized result (38 MB here) is a fresh
allocation that glibc maps from the OS, where the per-item path reuses small blocks. GPUs have a caching allocator;
on the CPU, `MALLOC_MMAP_THRESHOLD_=2000000000 MALLOC_TRIM_THRESHOLD_=4000000000 python bench/augment.py` shows the
timings with freed blocks kept for reuse (for both paths).

Usage: python bench/augment.py [--repeats 11] [--bs 64] [--size 224] [--threads N]
"""
import argparse, statistics, time

import torch

from layered.torch_core import TensorImage
from layered.transform import Pipeline
from layered.vision.augment import aug_transforms


def per_item_tfms(bilinear: bool):
    import torchvision.transforms.v2 as T
    interp = T.InterpolationMode.BILINEAR if bilinear else T.InterpolationMode.NEAREST
    return T.Compose([T.RandomHorizontalFlip(), T.RandomAffine(degrees=10, scale=(1, 1.1), interpolation=interp),
                      T.RandomPerspective(0.2, p=0.75), T.ColorJitter(brightness=0.2, contrast=0.2)])


def time_it(f, x) -> float:
    start = time.perf_counter()
    f(x)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeats', type=int, default=11)
    parser.add_argument('--bs', type=int, default=64)
    parser.add_argument('--size', type=int, default=224)
    parser.add_argument('--threads', type=int, default=None, help="torch's CPU threads (default: torch's own choice)")
    args = parser.parse_args()
    if args.threads: torch.set_num_threads(args.threads)

    torch.manual_seed(0)
    x = TensorImage(torch.rand(args.bs, 3, args.size, args.size))
    batch_aug = Pipeline(aug_transforms(), split_idx=0)
    runs = {'layered aug_transforms (batch)': lambda b: batch_aug(b)}
    for name, bilinear in (('torchvision v2 per item', False), ('torchvision v2 per item, bilinear', True)):
        tfm = per_item_tfms(bilinear)
        runs[name] = lambda b, tfm=tfm: torch.stack([tfm(o) for o in b.as_subclass(torch.Tensor)])

    with torch.no_grad():
        for f in runs.values(): f(x)  # warm up
        times = {k: [] for k in runs}
        for _ in range(args.repeats):
            for k, f in runs.items(): times[k].append(time_it(f, x))
    best, med = {k: min(ts) for k, ts in times.items()}, {k: statistics.median(ts) for k, ts in times.items()}

    print(f"{args.bs} images 3x{args.size}x{args.size}, CPU, {torch.get_num_threads()} threads, {args.repeats} repeats")
    ours = 'layered aug_transforms (batch)'
    for k in runs:
        ratio = '' if k == ours else f"  ({best[k] / best[ours]:.2f}x the batch time; median {med[k] / med[ours]:.2f}x)"
        print(f"{k:36s} best {best[k] * 1000:6.1f} ms, median {med[k] * 1000:6.1f} ms{ratio}")
    r = best['torchvision v2 per item, bilinear'] / best[ours]
    print(f"speed-up over the equivalent per-item path: {r:.2f}x (goal >= 2x): {'met' if r >= 2 else 'NOT met'}")


if __name__ == '__main__':
    main()
