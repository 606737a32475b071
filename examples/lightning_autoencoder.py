"""A fully connected autoencoder on Fashion-MNIST, trained with PyTorch Lightning."""
import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader, random_split
from torchvision import transforms
from torchvision.datasets import FashionMNIST

LATENT_DIM = 32


class AutoEncoder(L.LightningModule):
    def __init__(self, latent_dim=LATENT_DIM, lr=2e-3):
        super().__init__()
        self.save_hyperparameters()
        self.encoder = nn.Sequential(
            nn.Linear(28 * 28, 512),
            nn.ReLU(),
            nn.Linear(512, 128),
            nn.ReLU(),
            nn.Linear(128, latent_dim),
        )
        self.decoder = nn.Sequential(
            nn.Linear(latent_dim, 128),
            nn.ReLU(),
            nn.Linear(128, 512),
            nn.ReLU(),
            nn.Linear(512, 28 * 28),
            nn.Sigmoid(),
        )

    def forward(self, x):
        return self.decoder(self.encoder(x.view(x.size(0), -1)))

    def _reconstruction_loss(self, batch):
        images, _ = batch
        flat = images.view(images.size(0), -1)
        return nn.functional.mse_loss(self(images), flat)

    def training_step(self, batch, batch_idx):
        loss = self._reconstruction_loss(batch)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        self.log("val_loss", self._reconstruction_loss(batch), prog_bar=True)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def make_loaders(root="./data", batch_size=256):
    full = FashionMNIST(root, train=True, download=True, transform=transforms.ToTensor())
    train, val = random_split(full, [55000, 5000], generator=torch.Generator().manual_seed(0))
    return (
        DataLoader(train, batch_size=batch_size, shuffle=True, num_workers=4),
        DataLoader(val, batch_size=batch_size, num_workers=4),
    )


if __name__ == "__main__":
    train_loader, val_loader = make_loaders()
    trainer = L.Trainer(max_epochs=20, accelerator="gpu", devices=1, precision="16-mixed")
    trainer.fit(AutoEncoder(), train_loader, val_loader)
