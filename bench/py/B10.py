# B10 mlp_train (see bench/lua/B10.lua): MLP 784-512-512-10, batch 128, cross-entropy, SGD.
# ms/step; B10_rss: peak resident memory (VmHWM) of the process, MiB.
import torch
import torch.nn as nn
import bench

torch.manual_seed(0)
model = nn.Sequential(
    nn.Linear(784, 512), nn.ReLU(),
    nn.Linear(512, 512), nn.ReLU(),
    nn.Linear(512, 10))
x = torch.randn(128, 784)
y = torch.randint(0, 10, (128,))
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)


def step():
    loss = loss_fn(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss


def peak_rss_mib():
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None


bench.report(bench.median(50, step, 5) * 1e3)
rss = peak_rss_mib()
if rss is not None:
    bench.report(rss, 'B10_rss')
