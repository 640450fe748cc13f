"""Random state and sampling: torch.random's seed functions (initial_seed, get_rng_state,
set_rng_state, fork_rng), bernoulli and multinomial, and the in-place samplers of Tensor
(uniform_, normal_, random_, bernoulli_, exponential_, geometric_, log_normal_, cauchy_).

All draw from feathergrad's NumPy generator (``creation._rng``): seeding gives reproducible
values, but not PyTorch's values. Samples carry no gradient; in-place sampling refuses a leaf
that requires grad, as PyTorch does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import creation
from .creation import manual_seed, seed  # noqa: F401  (torch.random.manual_seed, .seed)
from .ops._core import record_inplace_site
from .ops.inplace import check_inplace
from .ops.reduce import type_name
from .tensor import Tensor

__all__ = [
    "initial_seed",
    "get_rng_state",
    "set_rng_state",
    "bernoulli",
    "multinomial",
]

_make = Tensor._make


def initial_seed() -> int:
    """The seed of the default generator (set by manual_seed, random at start-up)."""
    if creation._seed[0] is None:
        creation._seed[0] = int(np.random.SeedSequence().entropy % (2 ** 63))
    return creation._seed[0]


def get_rng_state() -> Tensor:
    """The default generator's state as a uint8 tensor (for set_rng_state)."""
    import pickle
    raw = pickle.dumps(creation._rng[0].bit_generator.state)
    return _make(np.frombuffer(raw, dtype=np.uint8).copy())


def set_rng_state(new_state: Tensor) -> None:
    """Restore a state returned by get_rng_state."""
    if not isinstance(new_state, Tensor) or new_state._data.dtype != np.uint8:
        raise TypeError("expected a torch.ByteTensor, but got "
                        f"{type(new_state).__name__}")
    import pickle
    creation._rng[0].bit_generator.state = pickle.loads(new_state._data.tobytes())


class fork_rng:
    """Context manager restoring the default generator's state on exit."""

    def __init__(self, devices: Any = None, enabled: bool = True, **kwargs: Any) -> None:
        self.enabled = enabled

    def __enter__(self) -> None:
        self.state = get_rng_state() if self.enabled else None

    def __exit__(self, *exc: object) -> None:
        if self.state is not None:
            set_rng_state(self.state)


def _gen(generator: Any) -> np.random.Generator:
    return creation._gen(generator)


def bernoulli(input: Tensor, p: Any = None, *, generator: Any = None, out: Any = None
              ) -> Tensor:
    """0/1 samples, each 1 with the probability given by `input` (or by `p`), in input's
    dtype.

    >>> bernoulli(tensor([0., 1.]))
    tensor([0., 1.])
    """
    d = input._data
    probs = np.broadcast_to(np.asarray(p if p is not None else d, np.float64), d.shape)
    if ((probs < 0) | (probs > 1)).any() or np.isnan(probs).any():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could "
                           "this error message be improved?  If so, please report an "
                           "enhancement request to PyTorch.)")
    return _make((_gen(generator).random(d.shape) < probs).astype(d.dtype))


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Any = None, out: Any = None) -> Tensor:
    """Indices drawn from the categorical distributions given by the (unnormalised) rows of
    `input`, without replacement unless `replacement`.

    >>> multinomial(tensor([0., 1., 0.]), 1)
    tensor([1])
    """
    d = input._data
    if d.dtype.kind != "f":
        raise RuntimeError("multinomial only supports floating-point dtypes for input, got: "
                           f"{type_name(d.dtype)}")
    if d.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    rows = d.reshape(-1, d.shape[-1]).astype(np.float64)
    if not np.isfinite(rows).all() or (rows < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    rng = _gen(generator)
    out = np.empty((rows.shape[0], num_samples), np.int64)
    for i, w in enumerate(rows):
        total = w.sum()
        if total <= 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        if replacement:
            out[i] = rng.choice(w.size, num_samples, replace=True, p=w / total)
        else:
            # NOTE: PyTorch's exponential trick: the largest w_j / E_j (E_j ~ Exp(1)) are a
            # sample without replacement; zero weights come last, in order
            keys = w / rng.exponential(size=w.size)
            out[i] = np.argsort(-keys, kind="stable")[:num_samples]
    return _make(out.reshape(d.shape[:-1] + (num_samples,)))


# ---- in-place samplers ----------------------------------------------------------------------
def _fill(self: Tensor, values: np.ndarray) -> Tensor:
    check_inplace(self)
    np.copyto(self._data, values, casting="unsafe")
    record_inplace_site(self)
    return self


def _float_kernel(self: Tensor, kernel: str) -> None:
    if self._data.dtype.kind not in "fc":
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{type_name(self._data.dtype)}'")


def uniform_(self: Tensor, from_: float = 0.0, to: float = 1.0, *, generator: Any = None
             ) -> Tensor:
    """Fill with samples uniform on [from_, to)."""
    _float_kernel(self, "uniform_kernel_cpu")
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from="
                           f"{from_} > to={to}")
    return _fill(self, _gen(generator).uniform(from_, to, self._data.shape))


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator: Any = None
            ) -> Tensor:
    """Fill with normal samples."""
    _float_kernel(self, "normal_kernel_cpu")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    return _fill(self, _gen(generator).normal(mean, std, self._data.shape))


def random_(self: Tensor, from_: int = 0, to: int | None = None, *, generator: Any = None
            ) -> Tensor:
    """Fill with integers uniform on [from_, to) (``random_(to)`` is [0, to); with no bound,
    [0, 2^mantissa] for floats, the dtype's range for integers)."""
    d = self._data
    if to is None and from_ != 0:
        from_, to = 0, from_
    if to is None:
        if d.dtype.kind == "f":
            to = 2 ** (np.finfo(d.dtype).nmant + 1) + 1
        elif d.dtype.kind == "b":
            to = 2
        else:
            to = int(np.iinfo(d.dtype).max) + 1
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} "
                           f">= to={to}")
    return _fill(self, _gen(generator).integers(from_, to, d.shape))


def bernoulli_(self: Tensor, p: Any = 0.5, *, generator: Any = None) -> Tensor:
    """Fill with 0/1 samples, 1 with probability `p` (a number or a tensor)."""
    probs = p._data if isinstance(p, Tensor) else p
    return _fill(self, bernoulli(self, probs, generator=generator)._data)


def exponential_(self: Tensor, lambd: float = 1.0, *, generator: Any = None) -> Tensor:
    """Fill with exponential samples of rate `lambd`."""
    _float_kernel(self, "exponential_cpu")
    if lambd <= 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    return _fill(self, _gen(generator).exponential(1.0 / lambd, self._data.shape))


def geometric_(self: Tensor, p: float, *, generator: Any = None) -> Tensor:
    """Fill with geometric samples (trials until the first success, probability `p`)."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
    return _fill(self, _gen(generator).geometric(p, self._data.shape))


def log_normal_(self: Tensor, mean: float = 1.0, std: float = 2.0, *, generator: Any = None
                ) -> Tensor:
    """Fill with samples whose log is normal(mean, std)."""
    _float_kernel(self, "log_normal_cpu")
    if std <= 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
    return _fill(self, _gen(generator).lognormal(mean, std, self._data.shape))


def cauchy_(self: Tensor, median: float = 0.0, sigma: float = 1.0, *, generator: Any = None
            ) -> Tensor:
    """Fill with Cauchy samples."""
    _float_kernel(self, "cauchy_cpu")
    return _fill(self, median + sigma * _gen(generator).standard_cauchy(self._data.shape))


def _method_bernoulli(self: Tensor, p: Any = None, *, generator: Any = None) -> Tensor:
    return bernoulli(self, p, generator=generator)


for _f in (uniform_, normal_, random_, bernoulli_, exponential_, geometric_, log_normal_,
           cauchy_):
    setattr(Tensor, _f.__name__, _f)
Tensor.bernoulli = _method_bernoulli
Tensor.multinomial = multinomial
