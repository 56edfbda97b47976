"""Overhead of `Learner.fit` over a hand-written PyTorch loop (a benchmark, not a test).

Same model (a 2-layer MLP), same data (16k random rows, bs=64, plain torch DataLoaders), same optimizer
(torch.optim.Adam), 2 epochs with a validation pass each. The Learner runs with its default callbacks and the
progress bar on. Both are timed in this run, alternately, and the best of several repeats is kept.
Goal: Learner / plain loop <= 1.05x.

Usage: python bench/overhead.py [--repeats 5]
"""
import argparse, io, sys, time
from contextlib import redirect_stdout

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from layered.learner import Learner

N_TRAIN, N_VALID, N_IN, N_HID, N_OUT, BS, EPOCHS = 16_384, 2_048, 32, 256, 2, 64, 2


def make_data():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(N_TRAIN + N_VALID, N_IN, generator=g)
    y = (x[:, :2].sum(1) > 0).long()
    train, valid = TensorDataset(x[:N_TRAIN], y[:N_TRAIN]), TensorDataset(x[N_TRAIN:], y[N_TRAIN:])
    return train, valid


def make_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(N_IN, N_HID), nn.ReLU(), nn.Linear(N_HID, N_OUT))


def loaders(train, valid):
    return DataLoader(train, BS, shuffle=True), DataLoader(valid, BS)


def plain_loop(train, valid):
    "The loop a PyTorch user writes by hand"
    model, (tdl, vdl) = make_model(), loaders(train, valid)
    opt, loss_func = torch.optim.Adam(model.parameters(), lr=1e-3), nn.CrossEntropyLoss()
    start = time.perf_counter()
    for epoch in range(EPOCHS):
        model.train()
        for xb, yb in tdl:
            loss = loss_func(model(xb), yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
        model.eval()
        total, count = 0., 0
        with torch.no_grad():
            for xb, yb in vdl:
                total += loss_func(model(xb), yb) * len(yb); count += len(yb)
        print(f'epoch {epoch}: valid loss {float(total / count):.4f}')
    return time.perf_counter() - start


def learner_fit(train, valid):
    "The same training through `Learner.fit`, default callbacks and progress bar included"
    learn = Learner(loaders(train, valid), make_model(), loss_func=nn.CrossEntropyLoss(), opt_func=torch.optim.Adam, lr=1e-3)
    learn.progress.mode = 'console'  # draw the bars even though this report's stdout is captured
    start = time.perf_counter()
    learn.fit(EPOCHS)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--threads', type=int, default=1,
                        help='torch threads for both loops (1 keeps the timings steady on a shared machine)')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    train, valid = make_data()
    plain, layered = [], []
    for _ in range(args.repeats):
        with redirect_stdout(io.StringIO()):  # the bars and logs are drawn, but not into this report
            plain.append(plain_loop(train, valid))
            layered.append(learner_fit(train, valid))
    p, l = min(plain), min(layered)
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, {args.repeats} repeats, best of each')
    print(f'plain loop   : {p:.3f} s for {EPOCHS} epochs')
    print(f'Learner.fit  : {l:.3f} s for {EPOCHS} epochs')
    print(f'Learner / plain: {l / p:.3f}x (goal <= 1.05x)')


if __name__ == '__main__':
    main()
