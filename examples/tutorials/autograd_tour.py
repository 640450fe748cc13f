"""A tour of autograd: gradients of a small function, the graph it records, vector-Jacobian
products, turning tracking off, and the device/dtype idioms around them.

After the PyTorch tutorial "A Gentle Introduction to torch.autograd" (its random parts replaced
by fixed values, so runs can be compared line by line).
"""
import torch

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(f"Using {device} device; cuda available: {torch.cuda.is_available()}, "
      f"{torch.cuda.device_count()} GPUs")

# ---- differentiation in autograd ------------------------------------------------------
a = torch.tensor([2., 3.], requires_grad=True, device=device)
b = torch.tensor([6., 4.], requires_grad=True).to(device)
Q = 3 * a ** 3 - b ** 2
print(Q)

# Q is a vector: backward needs the vector of the vector-Jacobian product, dQ/dQ = 1
external_grad = torch.tensor([1., 1.], device=device)
Q.backward(gradient=external_grad)

# Check that the collected gradients are correct
print(9 * a ** 2 == a.grad)
print(-2 * b == b.grad)
print(a.grad, b.grad)
torch.testing.assert_close(a.grad, 9 * a.detach() ** 2)

# ---- the computational graph ----------------------------------------------------------
print(Q.grad_fn.name(), [n.name() if n is not None else None for n, _ in Q.grad_fn.next_functions])
print(Q.is_leaf, a.is_leaf, Q.requires_grad)

# ---- legacy constructors, dtypes and sizes ----------------------------------------------
w = torch.Tensor([[0.5, -0.25], [0.75, 1.0]]).to(device)
w.requires_grad_()
x = torch.Tensor(2).fill_(1.5) if hasattr(torch.Tensor, "fill_") else torch.full((2,), 1.5)
print(w.type(), w.dtype, w.shape, w.size(-1), w.shape.numel(), isinstance(w, torch.FloatTensor))
print(x.double().type(), x.long(), x.to(torch.float64).dtype, torch.get_default_dtype())
print(torch.finfo(torch.float).eps, torch.finfo(torch.double).eps, torch.iinfo(torch.int32).max)

# A vector-Jacobian product through a matrix-vector map: y = w x, dy/dw = v x^T
y = w @ x
v = torch.tensor([1.0, -1.0])
y.backward(v)
print(y, w.grad)
print(torch.allclose(w.grad, torch.outer(v, x)) if hasattr(torch, "outer")
      else torch.allclose(w.grad, v[:, None] * x[None, :]))

# ---- exclusion from the DAG -------------------------------------------------------------
p = torch.ones(5, 5)
q = torch.full((5, 5), 0.5, requires_grad=True)
r = torch.full((5, 5), 0.25, requires_grad=True)
s = p + q
print(f"Does `s` require gradients?: {s.requires_grad}")
s = q + r
print(f"Does `s` require gradients?: {s.requires_grad}")

with torch.no_grad():
    t = q * 2
print(t.requires_grad, q.detach().requires_grad, (q * 2).detach().is_leaf)

# ---- second derivatives ------------------------------------------------------------------
z = torch.tensor(1.5, requires_grad=True, dtype=torch.double)
f = z ** 4
g, = torch.autograd.grad(f, z, create_graph=True)
h, = torch.autograd.grad(g, z)
print(f, g, h)
print(g.item() == 4 * 1.5 ** 3, h.item() == 12 * 1.5 ** 2)
