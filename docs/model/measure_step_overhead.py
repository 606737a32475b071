"""Measures the fixed per-step cost of an eager PyTorch training loop, the figure behind the
per-step floor in docs/MODEL.md. A tiny model makes the arithmetic negligible, so what remains
is Python + autograd + optimizer dispatch (the same CPU-side path a GPU step takes before its
kernel launches) and, separately, DataLoader batching of an image dataset with ToTensor+Normalize.

Run: /usr/bin/python3 docs/model/measure_step_overhead.py  (prints JSON; numbers vary by host)
"""
import json
import statistics
import time

import torch
import torch.nn as nn
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms

torch.set_num_threads(1)


def time_steps(model, batch, n=300):
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.randn(batch, *INPUT[model.name])
    y = torch.randint(0, 10, (batch,))
    loss_fn = nn.CrossEntropyLoss()
    samples = []
    for i in range(n + 30):
        t = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        if i >= 30:
            samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def time_forwards(model, batch, n=300):
    """A forward-only call under no_grad (an RL policy acting on a batch of observations)."""
    x = torch.randn(batch, *INPUT[model.name])
    samples = []
    for i in range(n + 30):
        t = time.perf_counter()
        with torch.no_grad():
            model(x)
        if i >= 30:
            samples.append(time.perf_counter() - t)
    return statistics.median(samples)


class Named(nn.Sequential):
    def __init__(self, name, *layers):
        super().__init__(*layers)
        self.name = name


INPUT = {"mlp": (1, 28, 28), "lenet": (1, 28, 28)}
mlp = Named("mlp", nn.Flatten(), nn.Linear(784, 8), nn.ReLU(), nn.Linear(8, 10))
lenet = Named(
    "lenet",
    nn.Conv2d(1, 2, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(2, 2, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(32, 8), nn.ReLU(), nn.Linear(8, 10),
)


class FakeMnist(Dataset):
    """PIL images decoded per item, as torchvision.datasets.MNIST does."""

    def __init__(self, n=4096):
        self.imgs = [Image.fromarray((torch.rand(28, 28) * 255).byte().numpy(), mode="L") for _ in range(64)]
        self.n = n
        self.tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return self.tf(self.imgs[i % 64]), i % 10


def time_loader(batch):
    loader = DataLoader(FakeMnist(), batch_size=batch, shuffle=True, num_workers=0)
    t = time.perf_counter()
    n = 0
    for _ in loader:
        n += 1
    return (time.perf_counter() - t) / n


out = {
    "torch": torch.__version__,
    "tiny_mlp_step_s_batch1": time_steps(mlp, 1),
    "tiny_lenet_step_s_batch1": time_steps(lenet, 1),
    "tiny_mlp_no_grad_forward_s_batch8": time_forwards(mlp, 8),
    "loader_batch64_s": time_loader(64),
}
print(json.dumps(out, indent=1))
