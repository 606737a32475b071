"""Train a small convolutional network on MNIST.

Usage:
    python mnist_cnn.py --epochs 12 --batch-size 128 --lr 1e-3
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from torchvision import datasets, transforms


class ConvNet(nn.Module):
    """Two conv blocks followed by a two-layer classifier head."""

    def __init__(self, channels=32, hidden=256, num_classes=10, dropout=0.25):
        super().__init__()
        self.block1 = nn.Sequential(
            nn.Conv2d(1, channels, kernel_size=3, padding=1),
            nn.BatchNorm2d(channels),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
        )
        self.block2 = nn.Sequential(
            nn.Conv2d(channels, channels * 2, kernel_size=3, padding=1),
            nn.BatchNorm2d(channels * 2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
        )
        self.dropout = nn.Dropout(dropout)
        # Two 2x2 poolings take 28x28 down to 7x7.
        self.fc1 = nn.Linear(channels * 2 * 7 * 7, hidden)
        self.fc2 = nn.Linear(hidden, num_classes)

    def forward(self, x):
        x = self.block1(x)
        x = self.block2(x)
        x = torch.flatten(x, 1)
        x = self.dropout(F.relu(self.fc1(x)))
        return self.fc2(x)


def train_one_epoch(model, loader, optimizer, device, epoch, log_every):
    model.train()
    running = 0.0
    for step, (images, targets) in enumerate(loader):
        images, targets = images.to(device), targets.to(device)
        optimizer.zero_grad()
        loss = F.cross_entropy(model(images), targets)
        loss.backward()
        optimizer.step()
        running += loss.item()
        if step % log_every == log_every - 1:
            print(f"epoch {epoch} step {step + 1}: loss {running / log_every:.4f}")
            running = 0.0


def evaluate(model, loader, device):
    model.eval()
    correct = 0
    total_loss = 0.0
    for images, targets in loader:
        images, targets = images.to(device), targets.to(device)
        logits = model(images)
        total_loss += F.cross_entropy(logits, targets, reduction="sum").item()
        correct += (logits.argmax(dim=1) == targets).sum().item()
    n = len(loader.dataset)
    return total_loss / n, correct / n


def main():
    parser = argparse.ArgumentParser(description="MNIST ConvNet")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--test-batch-size", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--data-dir", default="./data")
    parser.add_argument("--log-every", type=int, default=100)
    parser.add_argument("--save-model", action="store_true", default=True)
    args = parser.parse_args()

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.manual_seed(1)

    normalize = transforms.Compose([
        transforms.ToTensor(),
        transforms.Normalize((0.1307,), (0.3081,)),
    ])
    train_set = datasets.MNIST(args.data_dir, train=True, download=True, transform=normalize)
    test_set = datasets.MNIST(args.data_dir, train=False, transform=normalize)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=args.test_batch_size)

    model = ConvNet().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.5)

    for epoch in range(1, args.epochs + 1):
        started = time.time()
        train_one_epoch(model, train_loader, optimizer, device, epoch, args.log_every)
        test_loss, accuracy = evaluate(model, test_loader, device)
        scheduler.step()
        print(f"epoch {epoch}: test loss {test_loss:.4f}, accuracy {accuracy:.2%} ({time.time() - started:.0f}s)")

    if args.save_model:
        torch.save(model.state_dict(), "mnist_cnn.pt")


if __name__ == "__main__":
    main()
