"""The "Differentiation in PyTorch" lab, cell by cell, run on feathergrad (``feathergrad lab``).

The same code as the lab (``import feathergrad as torch``); the plots are written to `outdir`.
It prints what PyTorch prints.
"""

from __future__ import annotations

import os

PLOTS = ("square_and_derivative.png", "relu_and_derivative.png")


def run(outdir: str = ".") -> list[str]:
    """Run the lab, print its output and return the paths of the two plots it wrote."""
    import matplotlib.pyplot as plt

    import feathergrad as torch

    # Derivatives
    x = torch.tensor(2.0, requires_grad = True)
    print("The tensor x: ", x)

    y = x ** 2
    print("The result of y = x^2: ", y)

    y.backward()
    print("The derivative at x = 2: ", x.grad)

    print('data:',x.data)
    print('grad_fn:',x.grad_fn)
    print('grad:',x.grad)
    print("is_leaf:",x.is_leaf)
    print("requires_grad:",x.requires_grad)

    print('data:',y.data)
    print('grad_fn:',y.grad_fn)
    print('grad:',y.grad)
    print("is_leaf:",y.is_leaf)
    print("requires_grad:",y.requires_grad)

    x = torch.tensor(2.0, requires_grad = True)
    y = x ** 2 + 2 * x + 1
    print("The result of y = x^2 + 2x + 1: ", y)
    y.backward()
    print("The derivative at x = 2: ", x.grad)

    # Practice: y = 2x^3 + x at x = 1
    x = torch.tensor(1.0, requires_grad=True)
    y = 2*x**3+x
    print('The result of y=2*x^3+x: ', y)
    y.backward()
    print('The derivative at x=1: ', x.grad)

    # A custom autograd Function
    class SQ(torch.autograd.Function):

        @staticmethod
        def forward(ctx,i):
            result=i**2
            ctx.save_for_backward(i)
            return result

        @staticmethod
        def backward(ctx, grad_output):
            i, = ctx.saved_tensors
            grad_output = 2*i
            return grad_output

    x=torch.tensor(2.0,requires_grad=True )
    sq=SQ.apply

    y=sq(x)
    print(y)
    print(y.grad_fn)
    y.backward()
    print(x.grad)

    # Partial derivatives
    u = torch.tensor(1.0,requires_grad=True)
    v = torch.tensor(2.0,requires_grad=True)
    f = u * v + u ** 2
    print("The result of v * u + u^2: ", f)

    f.backward()
    print("The partial derivative with respect to u: ", u.grad)
    print("The partial derivative with respect to u: ", v.grad)

    # Derivative at many points: the sum trick
    x = torch.linspace(-10, 10, 10, requires_grad = True)
    Y = x ** 2
    y = torch.sum(x ** 2)

    y.backward()

    plt.plot(x.detach().numpy(), Y.detach().numpy(), label = 'function')
    plt.plot(x.detach().numpy(), x.grad.detach().numpy(), label = 'derivative')
    plt.xlabel('x')
    plt.legend()
    plt.savefig(os.path.join(outdir, "square_and_derivative.png"))
    plt.close()
    print(x)
    print(Y)
    print(x.grad)

    x = torch.linspace(-10, 10, 1000, requires_grad = True)
    Y = torch.relu(x)
    y = Y.sum()
    y.backward()
    plt.plot(x.detach().numpy(), Y.detach().numpy(), label = 'function')
    plt.plot(x.detach().numpy(), x.grad.detach().numpy(), label = 'derivative')
    plt.xlabel('x')
    plt.legend()
    plt.savefig(os.path.join(outdir, "relu_and_derivative.png"))
    plt.close()
    print(y.grad_fn)
    print(x.grad[495:505])
    print(Y[495:505])

    # Practice: f = uv + (uv)^2 at u = 2, v = 1
    u = torch.tensor(2., requires_grad=True)
    v = torch.tensor(1., requires_grad=True)
    f = u*v + (u*v)**2
    f.backward()
    print("The partial derivative with respect to u: ", u.grad)
    print("The partial derivative with respect to v: ", v.grad)
    return [os.path.join(outdir, name) for name in PLOTS]
