"""Benchmark (not a test): one epoch on MNIST_TINY's PNG folders, `ImageDataLoaders` + `Learner` against torchvision + a hand-written loop.

Both sides train the same small CNN (same initial weights each run) for one epoch on MNIST_TINY's 709 training
images, then compute the loss on its 699 validation images, reading the PNG files from disk every epoch:
- layered: `ImageDataLoaders.from_folder(path, bs=64, num_workers=0)` (open with `PILImage.create`, `ToTensor`,
  collate, `IntToFloatTensor`; the label by `Categorize`), `Learner(dls, model, loss_func=CrossEntropyLossFlat(),
  opt_func=torch.optim.Adam)` and `learn.fit(1, reset_opt=True)`, without the progress bar and the printed table;
- torch: `torchvision.datasets.ImageFolder` (opens each PNG as RGB) with `transforms.PILToTensor()` and a
  float conversion, `torch.utils.data.DataLoader(batch_size=64, shuffle=True, drop_last=True, num_workers=0)`,
  `torch.optim.Adam` and a plain loop (train, then the validation loss under `torch.no_grad()`).
Both drop the last short training batch (the default of layered's training loader, as of fastai's), and both
start each epoch with a fresh optimizer (`fit(1, reset_opt=True)`).
No augmentation on either side. Runs alternate between the two so that noise from a shared machine hits both
alike; each figure is the best of `--reps` epochs after a warm-up. The goal is a ratio (layered/torch) of at
most 1.1 (best wall-clock times). The CPU time of the process is printed too: with one thread it is less
sensitive to other people's jobs on a shared machine than the wall clock. `--profile` prints cProfile's top
functions of one layered epoch.

The archive comes through `untar_data`, from the mirror in `$LAYERED_MIRROR` (default: `<repo>/../shared/data`),
extracted into a temporary `LAYERED_HOME` unless one is set.

Both run with one torch thread by default: on a small, shared machine, two threads for a model this small
are mostly waiting for each other, and the wall clock then measures the neighbours' jobs more than the loop
(`--threads 0` leaves torch's own choice).

Usage: python bench/vision_epoch.py [--bs 64] [--reps 11] [--threads 1] [--profile]
"""
import argparse, copy, os, statistics, tempfile, time
from pathlib import Path
import torch
from torch import nn
import torch.nn.functional as F

GOAL = 1.1

def small_cnn() -> nn.Module:
    "A small CNN for 3x28x28 images and 2 classes"
    def conv(ni, nf): return nn.Sequential(nn.Conv2d(ni, nf, 3, stride=2, padding=1), nn.BatchNorm2d(nf), nn.ReLU())
    return nn.Sequential(conv(3, 16), conv(16, 32), conv(32, 64), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 2))

def _clocks() -> tuple: return time.perf_counter(), time.process_time()

def torch_epoch(model:nn.Module, train_dl, valid_dl, lr:float) -> tuple:
    "Wall and CPU seconds for one epoch of a hand-written loop (train on `train_dl`, then the validation loss on `valid_dl`), and that loss"
    start = _clocks()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for xb, yb in train_dl:
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        opt.zero_grad()
    model.eval()
    tot, n = 0., 0
    with torch.no_grad():
        for xb, yb in valid_dl:
            tot += F.cross_entropy(model(xb), yb, reduction='sum').item()
            n += len(yb)
    end = _clocks()
    return end[0] - start[0], end[1] - start[1], tot / n

def layered_epoch(learn) -> tuple:
    "Wall and CPU seconds for `learn.fit(1)` (without the progress bar and the printed table), and the validation loss"
    start = _clocks()
    with learn.no_bar(), learn.no_logging(): learn.fit(1, reset_opt=True)
    end = _clocks()
    return end[0] - start[0], end[1] - start[1], learn.recorder.values[-1][1]

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--bs', type=int, default=64)
    p.add_argument('--reps', type=int, default=11)
    p.add_argument('--threads', type=int, default=1, help="torch's CPU threads (0: torch's own choice)")
    p.add_argument('--profile', action='store_true', help="print cProfile's top functions of one layered epoch")
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    os.environ.setdefault('LAYERED_MIRROR', str(Path(__file__).resolve().parents[2]/'shared'/'data'))
    home = None if os.environ.get('LAYERED_HOME') else tempfile.TemporaryDirectory()
    if home is not None: os.environ['LAYERED_HOME'] = home.name
    import torchvision
    import torchvision.transforms as T
    from layered.data.external import untar_data, URLs
    from layered.learner import Learner
    from layered.losses import CrossEntropyLossFlat
    from layered.vision.data import ImageDataLoaders

    path = untar_data(URLs.MNIST_TINY)
    torch.manual_seed(0)
    init = small_cnn()
    lr = 1e-3

    dls = ImageDataLoaders.from_folder(path, bs=a.bs, num_workers=0, device='cpu')
    learn = Learner(dls, copy.deepcopy(init), loss_func=CrossEntropyLossFlat(), opt_func=torch.optim.Adam, lr=lr)
    tfm = T.Compose([T.PILToTensor(), T.ConvertImageDtype(torch.float32)])
    train_ds, valid_ds = (torchvision.datasets.ImageFolder(path/f, transform=tfm) for f in ('train', 'valid'))
    train_dl = torch.utils.data.DataLoader(train_ds, batch_size=a.bs, shuffle=True, drop_last=True, num_workers=0)
    valid_dl = torch.utils.data.DataLoader(valid_ds, batch_size=a.bs, shuffle=False, num_workers=0)
    assert dls.vocab == train_ds.classes, (dls.vocab, train_ds.classes)

    def run_layered():
        learn.model.load_state_dict(init.state_dict())
        return layered_epoch(learn)
    def run_torch():
        model = copy.deepcopy(init)
        return torch_epoch(model, train_dl, valid_dl, lr)
    runs = {'torch': run_torch, 'layered': run_layered}

    if a.profile:
        import cProfile, pstats
        run_layered()
        pr = cProfile.Profile()
        pr.enable(); run_layered(); pr.disable()
        pstats.Stats(pr).sort_stats('cumulative').print_stats(40)
        pstats.Stats(pr).sort_stats('tottime').print_stats(25)
        return

    for f in runs.values(): f()  # warm up: file cache, lazy imports, first-call costs
    times, cpus, losses = {k: [] for k in runs}, {k: [] for k in runs}, {k: [] for k in runs}
    for _ in range(a.reps):
        for k, f in runs.items():
            t, c, l = f()
            times[k].append(t); cpus[k].append(c); losses[k].append(l)
    best, cpu = {k: min(ts) for k, ts in times.items()}, {k: min(cs) for k, cs in cpus.items()}
    med = {k: statistics.median(ts) for k, ts in times.items()}
    print(f"MNIST_TINY from PNG: {len(train_ds)} train + {len(valid_ds)} valid images (3x28x28), small CNN, bs={a.bs}, "
          f"num_workers=0, torch.optim.Adam lr={lr}, torch {torch.__version__}, torchvision {torchvision.__version__}, "
          f"{torch.get_num_threads()} torch threads, best and median of {a.reps} epochs (train + validation loss)")
    for k in runs:
        print(f"{k:>8}: wall best {best[k]*1000:6.0f} ms, median {med[k]*1000:6.0f} ms; CPU best {cpu[k]*1000:6.0f} ms; "
              f"validation loss after the epoch {statistics.mean(losses[k]):.3f}")
    r, rm, rc = best['layered'] / best['torch'], med['layered'] / med['torch'], cpu['layered'] / cpu['torch']
    print(f"ratio layered/torch: wall best {r:.2f}x, median {rm:.2f}x; CPU best {rc:.2f}x; goal <= {GOAL}x (wall best): "
          f"{'met' if r <= GOAL else 'NOT met'}")

if __name__ == '__main__': main()
