"""A PyTorch workload for greenml: a small convolutional network on synthetic image-like data
(generated locally, nothing downloaded), on the GPU when there is one, else on the CPU.

    greenml run -- python3 examples/python/train_torch.py --epochs 5
"""
import argparse

import torch
from torch import nn

from greenml_metrics import metric, param, progress

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--batch-size", type=int, default=128)
parser.add_argument("--lr", type=float, default=1e-3)
parser.add_argument("--samples", type=int, default=8192)
args = parser.parse_args()

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
param("device", device)
param("epochs", args.epochs)
param("lr", args.lr)

# Ten classes of 16x16 images: each class is a fixed random pattern plus noise.
patterns = torch.randn(10, 1, 16, 16)
labels = torch.randint(0, 10, (args.samples,))
images = patterns[labels] + 0.8 * torch.randn(args.samples, 1, 16, 16)
split = int(0.8 * args.samples)

model = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(32 * 4 * 4, 10),
).to(device)
optimiser = torch.optim.Adam(model.parameters(), lr=args.lr)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(1, args.epochs + 1):
    model.train()
    perm = torch.randperm(split)
    total = 0.0
    for i in range(0, split, args.batch_size):
        idx = perm[i : i + args.batch_size]
        x, y = images[idx].to(device), labels[idx].to(device)
        optimiser.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimiser.step()
        total += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        logits = model(images[split:].to(device))
        accuracy = (logits.argmax(1).cpu() == labels[split:]).float().mean().item()
    metric("loss", total / split, step=epoch)
    metric("accuracy", accuracy, step=epoch)
    progress(epoch, args.epochs)
    print(f"epoch {epoch}/{args.epochs} loss {total / split:.4f} accuracy {accuracy:.3f}", flush=True)
