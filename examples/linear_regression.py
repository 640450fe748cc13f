# Linear regression, the course's next lab after derivatives: first by hand (a parameter, its
# gradient, an update under w.data), then the PyTorch way (nn.Module, nn.MSELoss, optim.SGD,
# a Dataset and a DataLoader).
# Runs unchanged with `import torch` in place of `import feathergrad as torch`.
import numpy as np

import feathergrad as torch

nn = torch.nn
Dataset, DataLoader = torch.utils.data.Dataset, torch.utils.data.DataLoader


def make_data(n=60, seed=0):
    """Points on the line y = -3x + 1 with Gaussian noise (the same values in any library)."""
    rng = np.random.default_rng(seed)
    x = np.linspace(-3, 3, n, dtype=np.float32).reshape(-1, 1)
    y = -3 * x + 1 + 0.4 * rng.standard_normal((n, 1)).astype(np.float32)
    return torch.tensor(x), torch.tensor(y)


# ---- part 1: gradient descent by hand -------------------------------------------------------
def forward(x, w, b):
    return w * x + b


def criterion(yhat, y):
    return torch.mean((yhat - y) ** 2)


def train_by_hand(X, Y, epochs=20, lr=0.1):
    w = torch.tensor(-10.0, requires_grad=True)
    b = torch.tensor(-20.0, requires_grad=True)
    losses = []
    for _ in range(epochs):
        Yhat = forward(X, w, b)
        loss = criterion(Yhat, Y)
        losses.append(loss.item())
        loss.backward()
        w.data = w.data - lr * w.grad.data
        b.data = b.data - lr * b.grad.data
        w.grad.data.zero_()
        b.grad.data.zero_()
    return losses, w, b


# ---- part 2: the same with nn and optim -----------------------------------------------------
class Data(Dataset):
    def __init__(self, X, Y):
        self.x, self.y = X, Y
        self.len = X.shape[0]

    def __getitem__(self, index):
        return self.x[index], self.y[index]

    def __len__(self):
        return self.len


class LinearRegression(nn.Module):
    def __init__(self, input_size, output_size):
        super().__init__()
        self.linear = nn.Linear(input_size, output_size)

    def forward(self, x):
        return self.linear(x)


def build_model():
    return LinearRegression(1, 1)


def train(model, X, Y, epochs=10, lr=0.05, batch_size=10, shuffle=True, seed=0):
    """Mini-batch SGD on MSE; returns the full-data loss after each epoch."""
    loader = DataLoader(Data(X, Y), batch_size=batch_size, shuffle=shuffle,
                        generator=torch.Generator().manual_seed(seed))
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        for x, y in loader:
            yhat = model(x)
            loss = criterion(yhat, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            losses.append(criterion(model(X), Y).item())
    return losses


def main():
    torch.manual_seed(0)
    X, Y = make_data()
    losses, w, b = train_by_hand(X, Y)
    print(f"by hand: loss {losses[0]:.2f} -> {losses[-1]:.4f}, w = {w.item():.3f}, "
          f"b = {b.item():.3f}")
    model = build_model()
    print(model)
    losses = train(model, X, Y)
    print(f"nn.Linear + SGD: loss {losses[0]:.4f} -> {losses[-1]:.4f}")
    print("learned:", dict((k, v.flatten().tolist()) for k, v in model.state_dict().items()))


if __name__ == "__main__":
    main()
