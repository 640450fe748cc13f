# A small CNN on 28x28 images: Conv2d, ReLU, MaxPool2d, Flatten, Linear, CrossEntropyLoss,
# SGD with momentum and a learning-rate schedule. The images are drawn here: a bar in one of
# four orientations (class = orientation) at a random place, with noise.
# Runs unchanged with `import torch` in place of `import feathergrad as torch`.
import numpy as np

import feathergrad as torch

nn = torch.nn
TensorDataset, DataLoader = torch.utils.data.TensorDataset, torch.utils.data.DataLoader


def make_data(n=512, seed=0):
    """(n, 1, 28, 28) images of a bar (horizontal, vertical, diagonal, anti-diagonal) and its
    orientation as the label."""
    rng = np.random.default_rng(seed)
    x = 0.3 * rng.standard_normal((n, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 4, n)
    idx = np.arange(10)
    for k in range(n):
        r, c = rng.integers(4, 14, 2)
        rows, cols = {0: (r + 0 * idx, c + idx), 1: (r + idx, c + 0 * idx),
                      2: (r + idx, c + idx), 3: (r + idx, c + 9 - idx)}[int(y[k])]
        x[k, 0, rows, cols] += 2.0
    return torch.tensor(x), torch.tensor(y.astype(np.int64))


class CNN(nn.Module):
    def __init__(self, classes=4):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(16 * 7 * 7, classes))

    def forward(self, x):
        return self.classifier(self.features(x))


def build_model():
    return CNN()


def accuracy(model, X, Y):
    model.eval()
    with torch.no_grad():
        correct = (model(X).argmax(1) == Y).sum().item()
    model.train()
    return correct / len(Y)


def train(model, X, Y, epochs=4, lr=0.05, batch_size=32, shuffle=True, seed=0):
    """SGD with momentum, the learning rate halved every epoch; returns the mean training
    loss of each epoch."""
    loader = DataLoader(TensorDataset(X, Y), batch_size=batch_size, shuffle=shuffle,
                        generator=torch.Generator().manual_seed(seed))
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    losses = []
    for _ in range(epochs):
        total = 0.0
        for x, y in loader:
            optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
        scheduler.step()
        losses.append(total / len(Y))
    return losses


def main():
    torch.manual_seed(0)
    X, Y = make_data()
    model = build_model()
    print(model)
    print(f"accuracy before training: {accuracy(model, X, Y):.2f}")
    losses = train(model, X, Y)
    print("epoch losses:", [round(v, 4) for v in losses])
    print(f"accuracy after training: {accuracy(model, X, Y):.2f}")


if __name__ == "__main__":
    main()
