# A two-layer MLP classifying three interleaved spirals: nn.Sequential, CrossEntropyLoss,
# Adam, mini-batches from a DataLoader, train/eval modes and a saved checkpoint.
# Runs unchanged with `import torch` in place of `import feathergrad as torch`.
import numpy as np

import feathergrad as torch

nn = torch.nn
TensorDataset, DataLoader = torch.utils.data.TensorDataset, torch.utils.data.DataLoader


def make_data(n_per_class=100, classes=3, seed=0):
    """Points on `classes` noisy spiral arms in the plane, labelled by arm."""
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for c in range(classes):
        r = np.linspace(0.1, 1.0, n_per_class)
        t = np.linspace(c * 4.0, (c + 1) * 4.0, n_per_class) + 0.2 * rng.standard_normal(
            n_per_class)
        xs.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
        ys.append(np.full(n_per_class, c))
    x = np.concatenate(xs).astype(np.float32)
    y = np.concatenate(ys).astype(np.int64)
    return torch.tensor(x), torch.tensor(y)


def build_model(hidden=64, classes=3):
    return nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, classes))


def accuracy(model, X, Y):
    model.eval()
    with torch.no_grad():
        pred = model(X).argmax(dim=1)
    model.train()
    return (pred == Y).float().mean().item()


def train(model, X, Y, epochs=30, lr=0.01, batch_size=32, shuffle=True, seed=0):
    """Adam on cross-entropy; returns the full-data loss after each epoch."""
    loader = DataLoader(TensorDataset(X, Y), batch_size=batch_size, shuffle=shuffle,
                        generator=torch.Generator().manual_seed(seed))
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            losses.append(criterion(model(X), Y).item())
    return losses


def main(path="mlp_checkpoint.pt"):
    torch.manual_seed(0)
    X, Y = make_data()
    model = build_model()
    print(model)
    print(f"accuracy before training: {accuracy(model, X, Y):.2f}")
    losses = train(model, X, Y, epochs=60)
    print(f"loss {losses[0]:.3f} -> {losses[-1]:.3f}")
    print(f"accuracy after training: {accuracy(model, X, Y):.2f}")
    torch.save(model.state_dict(), path)
    again = build_model()
    again.load_state_dict(torch.load(path))
    print(f"reloaded from {path}: accuracy {accuracy(again, X, Y):.2f}")


if __name__ == "__main__":
    main()
