"""PyTorch side of `npm run bench -- devices`: what a PyTorch user simulating K devices in one
process would run. The same two models as syncbn-lab's devices bench (MNIST-shaped random data,
BN in training mode, softmax cross-entropy, SGD lr 0.05 momentum 0.9), at a fixed global batch,
single-device (K = 1) and as a loop over K shards with local BN whose per-shard mean losses are
averaged (DDP's gradient), one optimizer step per global batch; torch.set_num_threads(W).

Prints one JSON object: {"torch": version, "results": [{"model", "k", "threads", "ms"}...]}
(ms per step: the fastest window of WINDOW consecutive steps after warm-up, so that a moment
when the shared machine's other tenants took the cores does not count).

python3 bench/torch_devices.py --models mlp,cnn --ks 1,4,8,16,32 --threads 1,2 --seconds 0.6
"""
import argparse
import json
import time

import torch
from torch import nn

WINDOW = 10


def mlp() -> nn.Module:
    return nn.Sequential(
        nn.Linear(784, 256), nn.BatchNorm1d(256), nn.ReLU(),
        nn.Linear(256, 256), nn.BatchNorm1d(256), nn.ReLU(),
        nn.Linear(256, 10),
    )


def cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 10),
    )


def shard_sizes(batch: int, k: int) -> list[int]:
    base, extra = divmod(batch, k)
    return [base + (1 if i < extra else 0) for i in range(k)]


def step_ms(model_name: str, k: int, batch: int, seconds: float) -> float:
    torch.manual_seed(1)
    model = mlp() if model_name == "mlp" else cnn()
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    shape = (784,) if model_name == "mlp" else (1, 28, 28)
    pool = [(torch.rand(batch, *shape), torch.randint(0, 10, (batch,))) for _ in range(4)]
    sizes = shard_sizes(batch, k)
    loss_fn = nn.CrossEntropyLoss()

    def step(i: int) -> None:
        x, y = pool[i % len(pool)]
        opt.zero_grad(set_to_none=False)
        if k == 1:
            loss_fn(model(x), y).backward()
        else:
            at = 0
            for n in sizes:  # one simulated device: its own batch statistics, DDP's 1/K
                (loss_fn(model(x[at:at + n]), y[at:at + n]) / k).backward()
                at += n
        opt.step()

    for i in range(8):
        step(i)
    times = [time.perf_counter()]
    while times[-1] - times[0] < seconds or len(times) < 4 * WINDOW:
        step(len(times))
        times.append(time.perf_counter())
    return min(
        1000 * (times[i + WINDOW] - times[i]) / WINDOW for i in range(len(times) - WINDOW)
    )


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--models", default="mlp,cnn")
    p.add_argument("--ks", default="1,4,8,16,32")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seconds", type=float, default=1.5)
    a = p.parse_args()
    results = []
    for threads in [int(t) for t in a.threads.split(",")]:
        torch.set_num_threads(threads)
        for model_name in a.models.split(","):
            for k in [int(v) for v in a.ks.split(",")]:
                if model_name == "mlp" and min(shard_sizes(a.batch, k)) < 2:
                    continue  # BatchNorm1d refuses to normalize a single sample in training
                ms = step_ms(model_name, k, a.batch, a.seconds)
                results.append({"model": model_name, "k": k, "threads": threads, "ms": ms})
    print(json.dumps({"torch": torch.__version__, "results": results}))


if __name__ == "__main__":
    main()
