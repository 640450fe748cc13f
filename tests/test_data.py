"""utils.data: datasets, samplers, DataLoader batching/shuffling/drop_last, collate."""

from __future__ import annotations

import numpy as np
import pytest

import feathergrad as fg
from feathergrad.utils.data import (
    BatchSampler,
    DataLoader,
    Dataset,
    RandomSampler,
    SequentialSampler,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)


def test_tensor_dataset_indexing_and_errors():
    x, y = fg.arange(12.0).reshape(6, 2), fg.arange(6)
    ds = TensorDataset(x, y)
    assert len(ds) == 6
    a, b = ds[2]
    assert a.tolist() == [4.0, 5.0] and b.item() == 2
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(x, fg.arange(5))


@pytest.mark.parametrize("batch_size,drop_last,expected", [
    (4, False, [4, 4, 2]), (4, True, [4, 4]), (5, False, [5, 5]), (20, False, [10])])
def test_batches_in_order(batch_size, drop_last, expected):
    x, y = fg.arange(20.0).reshape(10, 2), fg.arange(10)
    loader = DataLoader(TensorDataset(x, y), batch_size=batch_size, drop_last=drop_last)
    batches = list(loader)
    assert [len(b[1]) for b in batches] == expected == [len(b[0]) for b in batches]
    assert len(loader) == len(expected)
    seen = np.concatenate([b[1].numpy() for b in batches])
    assert seen.tolist() == list(range(len(seen)))
    assert isinstance(batches[0], list) and batches[0][0].dtype == fg.float32


def test_shuffle_is_a_seeded_permutation():
    ds = TensorDataset(fg.arange(50))
    order = lambda seed: np.concatenate([b[0].numpy() for b in DataLoader(  # noqa: E731
        ds, batch_size=8, shuffle=True, generator=fg.Generator().manual_seed(seed))])
    a, b, c = order(0), order(0), order(1)
    assert sorted(a.tolist()) == list(range(50))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    fg.manual_seed(5)
    d = [b[0].numpy().copy() for b in DataLoader(ds, batch_size=50, shuffle=True)]
    fg.manual_seed(5)
    e = [b[0].numpy().copy() for b in DataLoader(ds, batch_size=50, shuffle=True)]
    assert np.array_equal(d[0], e[0])                      # the global seed decides it too
    loader = DataLoader(ds, batch_size=50, shuffle=True)
    assert not np.array_equal(next(iter(loader))[0].numpy(), next(iter(loader))[0].numpy())


class Squares(Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, i):
        return {"x": np.array([i, i * i], dtype=np.float32), "i": i, "f": float(i), "n": "s"}


def test_custom_dataset_and_default_collate():
    b = next(iter(DataLoader(Squares(), batch_size=3)))
    assert b["x"].shape == fg.Size([3, 2]) and b["x"].dtype == fg.float32
    assert b["i"].dtype == fg.int64 and b["f"].dtype == fg.float64 and b["n"] == ["s"] * 3
    assert default_collate([(fg.ones(2), 1), (fg.zeros(2), 0)])[1].tolist() == [1, 0]
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        default_collate([fg.ones(2), fg.ones(3)])
    unbatched = list(DataLoader(Squares(), batch_size=None))
    assert isinstance(unbatched[0]["x"], np.ndarray) or unbatched[0]["i"] == 0
    col = list(DataLoader(Squares(), batch_size=2, collate_fn=lambda b: len(b)))
    assert col == [2, 2, 1]


def test_samplers_subsets_and_split():
    assert list(SequentialSampler(range(3))) == [0, 1, 2]
    s = list(RandomSampler(range(10), generator=fg.Generator().manual_seed(0)))
    assert sorted(s) == list(range(10))
    assert list(BatchSampler(range(5), 2, False)) == [[0, 1], [2, 3], [4]]
    assert len(BatchSampler(range(5), 2, True)) == 2
    ds = TensorDataset(fg.arange(10))
    sub = Subset(ds, [3, 1])
    assert len(sub) == 2 and sub[0][0].item() == 3
    a, b = random_split(ds, [7, 3], generator=fg.Generator().manual_seed(0))
    assert sorted(a.indices + b.indices) == list(range(10)) and len(a) == 7
    c, d = random_split(ds, [0.5, 0.5])
    assert len(c) == len(d) == 5
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(ds, [3, 3])
    batches = list(DataLoader(sub, batch_size=2))
    assert batches[0][0].tolist() == [3, 1]
    with pytest.raises(ValueError, match="mutually exclusive with shuffle"):
        DataLoader(ds, sampler=SequentialSampler(ds), shuffle=True)


def test_training_loop_with_loader():
    fg.manual_seed(0)
    x = fg.randn(64, 3)
    y = x @ fg.tensor([[1.0], [-2.0], [0.5]]) + 0.3
    model = fg.nn.Linear(3, 1)
    opt = fg.optim.SGD(model.parameters(), lr=0.1)
    loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True,
                        generator=fg.Generator().manual_seed(0))
    for _ in range(30):
        for xb, yb in loader:
            opt.zero_grad()
            fg.nn.functional.mse_loss(model(xb), yb).backward()
            opt.step()
    np.testing.assert_allclose(model.weight.detach().numpy(), [[1.0, -2.0, 0.5]], atol=1e-3)
