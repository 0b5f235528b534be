"""models.py - the benchmark suite's models, defined once in PyTorch.

Each entry of SUITE builds a PyTorch module in eval mode (fixed seed) and an
example input; `export(entry, path)` writes it as ONNX (opset 17, static
shapes, constants folded), the form kiln, ONNX Runtime and the PyTorch
baselines all run. bench/suite.py times them; the sizes are those of small
real models (MNIST/CIFAR-scale images, a 128-wide transformer block), not
test fixtures.

Run with /usr/bin/python3 (Debian's python3-torch).
"""
import collections
import io
import warnings

Model = collections.namedtuple("Model", "name what build")


def _torch():
    warnings.filterwarnings("ignore")
    import torch
    return torch


def _mlp(batch):
    def build():
        torch = _torch()
        from torch import nn
        net = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512),
                            nn.ReLU(), nn.Linear(512, 10))
        return net, torch.randn(batch, 784)
    return build


def _lenet():
    torch = _torch()
    from torch import nn
    net = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))
    return net, torch.randn(1, 1, 28, 28)


def _bn(c):
    """BatchNorm2d with non-trivial statistics, as a trained model has."""
    torch = _torch()
    from torch import nn
    bn = nn.BatchNorm2d(c)
    with torch.no_grad():
        bn.running_mean.uniform_(-0.5, 0.5)
        bn.running_var.uniform_(0.5, 1.5)
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.5, 0.5)
    return bn


def _resnet():
    torch = _torch()
    from torch import nn

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.body = nn.Sequential(
                nn.Conv2d(cin, cout, 3, stride, 1, bias=False), _bn(cout),
                nn.ReLU(), nn.Conv2d(cout, cout, 3, 1, 1, bias=False), _bn(cout))
            self.skip = nn.Identity() if stride == 1 and cin == cout else \
                nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                              _bn(cout))

        def forward(self, x):
            return torch.relu(self.body(x) + self.skip(x))

    net = nn.Sequential(
        nn.Conv2d(3, 16, 3, 1, 1, bias=False), _bn(16), nn.ReLU(),
        Block(16, 16, 1), Block(16, 32, 2), Block(32, 64, 2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))
    return net, torch.randn(1, 3, 32, 32)


def _mobilenet():
    torch = _torch()
    from torch import nn

    def separable(cin, cout, stride):
        return [nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False),
                _bn(cin), nn.ReLU6(), nn.Conv2d(cin, cout, 1, bias=False),
                _bn(cout), nn.ReLU6()]

    net = nn.Sequential(
        nn.Conv2d(3, 32, 3, 2, 1, bias=False), _bn(32), nn.ReLU6(),
        *separable(32, 64, 1), *separable(64, 128, 2), *separable(128, 128, 1),
        *separable(128, 256, 2), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(256, 10))
    return net, torch.randn(1, 3, 64, 64)


def _recurrent(kind):
    def build():
        torch = _torch()
        from torch import nn

        class Classifier(nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = getattr(nn, kind)(32, 64, batch_first=True)
                self.head = nn.Linear(64, 10)

            def forward(self, x):
                return self.head(self.rnn(x)[0][:, -1])

        return Classifier(), torch.randn(1, 32, 32)
    return build


def _generator():
    torch = _torch()
    from torch import nn
    ngf = 32
    net = nn.Sequential(
        nn.ConvTranspose2d(100, ngf * 4, 4, 1, 0, bias=False), _bn(ngf * 4),
        nn.ReLU(), nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
        _bn(ngf * 2), nn.ReLU(),
        nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), _bn(ngf),
        nn.ReLU(), nn.ConvTranspose2d(ngf, 3, 4, 2, 1, bias=False), nn.Tanh())
    return net, torch.randn(1, 100, 1, 1)


def _discriminator():
    torch = _torch()
    from torch import nn
    ndf = 32
    net = nn.Sequential(
        nn.Conv2d(3, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2),
        nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), _bn(ndf * 2),
        nn.LeakyReLU(0.2), nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False),
        _bn(ndf * 4), nn.LeakyReLU(0.2),
        nn.Conv2d(ndf * 4, 1, 4, 1, 0, bias=False), nn.Sigmoid())
    return net, torch.randn(1, 3, 32, 32)


def _transformer():
    torch = _torch()
    from torch import nn
    net = nn.TransformerEncoderLayer(128, 4, 512, dropout=0.0,
                                     batch_first=True)
    return net, torch.randn(1, 32, 128)


SUITE = [
    Model("mlp-b1", "MLP 784-512-512-10, batch 1", _mlp(1)),
    Model("mlp-b32", "MLP 784-512-512-10, batch 32", _mlp(32)),
    Model("lenet", "LeNet-5, 1x28x28", _lenet),
    Model("resnet", "ResNet-style, 3 BasicBlocks (16-32-64), BatchNorm, "
          "3x32x32", _resnet),
    Model("mobilenet", "MobileNet-style, 4 depthwise-separable blocks "
          "(32-256), 3x64x64", _mobilenet),
    Model("lstm", "LSTM(32, 64) over 32 steps + Linear head", _recurrent("LSTM")),
    Model("gru", "GRU(32, 64) over 32 steps + Linear head", _recurrent("GRU")),
    Model("dcgan-g", "DCGAN generator, z 100 -> 3x32x32 (ngf 32)", _generator),
    Model("dcgan-d", "DCGAN discriminator, 3x32x32 -> 1 (ndf 32)",
          _discriminator),
    Model("transformer", "TransformerEncoderLayer(128, 4 heads, 512), "
          "sequence 32", _transformer),
]


def build(entry, seed=0):
    """\\returns (module in eval mode, example input) for a SUITE entry."""
    torch = _torch()
    torch.manual_seed(seed)
    module, x = entry.build()
    return module.eval(), x


def export(entry, path, seed=0):
    """Writes the entry as ONNX (opset 17) to path; \\returns (module, x)."""
    torch = _torch()
    module, x = build(entry, seed)
    buf = io.BytesIO()
    # Not under no_grad: there, nn.TransformerEncoderLayer takes a fused
    # fast path that has no ONNX export.
    torch.onnx.export(module, (x,), buf, input_names=["x"],
                      output_names=["y"], opset_version=17,
                      do_constant_folding=True)
    with open(path, "wb") as f:
        f.write(buf.getvalue())
    return module, x
