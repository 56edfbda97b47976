"""What a semantic tensor costs: a small elementwise op on a `TensorImage` against the same op on a plain tensor.

Run from the repository root: `python bench/tensor_overhead.py [--size 64] [--rounds 31] [--number 2000]`.
Both timings come from the same run, interleaved round by round so that load on a shared machine hits
both alike; each line gives the median time per call over the rounds, and the median of the rounds'
ratios.
`t + 1` and `t * t` take the Python-level operators of `TensorBase`; `torch.sigmoid(t)` and `t.exp()`
go through `__torch_function__`, as every other operation does. The last line shows the floor for the
protocol path (a subclass whose `__torch_function__` does nothing but call the function), and what
`as_subclass` alone costs: every approach that returns a typed tensor pays it on top of the plain op.
"""
import argparse, random, statistics, timeit
import torch
from layered.torch_core import TensorImage

GOAL = 2.0


class _Bare(torch.Tensor):
    "A subclass whose `__torch_function__` only runs the function: no type or metadata is kept"
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        with torch._C.DisableTorchFunctionSubclass(): return func(*args, **(kwargs or {}))


def _per_call(f, number:int) -> float:
    "Seconds per call of `f`, best of 3 runs of `number` calls (the best filters out interruptions)"
    return min(timeit.repeat(f, number=number, repeat=3)) / number


def compare(op, make, rounds:int, number:int) -> tuple[float, float, float]:
    "Median seconds per call of `op(a)` and `op(b)` for fresh `a, b = make()` each round, and the median of the rounds' ratios"
    ta, tb, keep = [], [], []
    for _ in range(rounds):
        # Where the buffers land in memory can change the speed of a tiny op by up to 2x, for plain and typed
        # tensors alike, and stays fixed for a whole process: new tensors each round, after an allocation of
        # random size, average that out instead of reporting one process's luck.
        keep.append(torch.empty(random.randint(1, 4096)))
        a, b = make()
        op(a); op(b)  # warm up
        ta.append(_per_call(lambda: op(a), number))
        tb.append(_per_call(lambda: op(b), number))
    return statistics.median(ta), statistics.median(tb), statistics.median(y/x for x,y in zip(ta, tb))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--size', type=int, default=64, help='the image is size x size')
    p.add_argument('--rounds', type=int, default=31, help='timings per op and type; the median is reported')
    p.add_argument('--number', type=int, default=2000, help='calls per timing')
    args = p.parse_args()
    torch.set_num_threads(1)  # tiny ops gain nothing from threads, and a shared machine adds noise through them
    n = args.size
    def make(): return torch.rand(n, n), TensorImage(torch.rand(n, n), img_size=(n, n))
    ops = {'t + 1': lambda t: t + 1, 't * t': lambda t: t * t,
           'torch.sigmoid(t)': torch.sigmoid, 't.exp()': lambda t: t.exp()}
    print(f'torch {torch.__version__}, {n}x{n} float32 on the CPU, median of {args.rounds} rounds x {args.number} calls')
    worst = 0.
    for name, op in ops.items():
        res = op(make()[1])
        assert type(res) is TensorImage and res.img_size == (n, n), f'{name} lost the type or the metadata'
        tp, ti, ratio = compare(op, make, args.rounds, args.number)
        worst = max(worst, ratio)
        print(f'{name:>17}: plain {tp*1e6:6.2f} us, TensorImage {ti*1e6:6.2f} us   '
              f'TensorImage/plain: {ratio:.2f}x (goal <= {GOAL:g}x)')
    *_, ratio = compare(torch.sigmoid, lambda: (torch.rand(n, n), torch.rand(n, n).as_subclass(_Bare)), args.rounds, args.number)
    print(f'{"floor":>17}: a bare __torch_function__ subclass costs {ratio:.2f}x plain on torch.sigmoid(t)')
    plain = torch.rand(n, n)
    tp = statistics.median(_per_call(lambda: plain * plain, args.number) for _ in range(args.rounds))
    ts = statistics.median(_per_call(lambda: plain.as_subclass(TensorImage), args.number) for _ in range(args.rounds))
    print(f'{"as_subclass":>17}: giving a result its type (a new view) alone costs {ts*1e6:.2f} us, {ts/tp:.2f}x a plain t * t')
    print(f'worst TensorImage/plain: {worst:.2f}x (goal <= {GOAL:g}x)')


if __name__ == '__main__': main()
