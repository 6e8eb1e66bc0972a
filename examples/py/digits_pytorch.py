"""The digits example (examples/digits.lua) in PyTorch, on the same data, for comparison.

    ./th examples/lib/digits.lua /tmp/digits      # writes the data set
    python3 examples/py/digits_pytorch.py /tmp/digits

Same models, same seeds, same batches (torch.randperm draws the same permutations in both),
same initial weights (the Lua side's nn.init draws PyTorch's numbers), so the accuracies track
the Lua run epoch by epoch; rounding differences in the sums make them drift apart slowly.
"""
import sys
import time

import numpy as np
import torch
import torch.nn as nn


def load(directory, name):
    x = np.fromfile('%s/%s_x.f32' % (directory, name), dtype='<f4')
    y = np.fromfile('%s/%s_y.i64' % (directory, name), dtype='<i8')
    return torch.from_numpy(x.reshape(-1, 1, 16, 16)), torch.from_numpy(y)


directory = sys.argv[1] if len(sys.argv) > 1 else '.'
train_x, train_y = load(directory, 'train')
test_x, test_y = load(directory, 'test')
ntrain, ntest = train_y.size(0), test_y.size(0)
epochs, batch_size = 10, 64


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        correct = (model(x).argmax(1) == y).sum().item()
    model.train()
    return correct / y.size(0)


def fit(name, model, lr):
    torch.manual_seed(0)
    for m in model.modules():          # the Lua example's model:reset()
        if hasattr(m, 'reset_parameters'):
            m.reset_parameters()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.2)
    t0 = time.time()
    for epoch in range(1, epochs + 1):
        order = torch.randperm(ntrain)
        total, correct = 0.0, 0
        for first in range(0, ntrain, batch_size):
            idx = order[first:first + batch_size]
            x, y = train_x.index_select(0, idx), train_y.index_select(0, idx)
            scores = model(x)
            loss = loss_fn(scores, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * y.size(0)
            correct += (scores.argmax(1) == y).sum().item()
        scheduler.step()
        print('  epoch %2d  loss %.4f  train accuracy %5.1f%%  test accuracy %5.1f%%' % (
            epoch, total / ntrain, 100 * correct / ntrain, 100 * accuracy(model, test_x, test_y)))
    acc = accuracy(model, test_x, test_y)
    print('%s: test accuracy %.1f%% after %d epochs, %.1f s' % (name, 100 * acc, epochs, time.time() - t0))
    return acc


mlp = nn.Sequential(
    nn.Flatten(),
    nn.Linear(256, 128), nn.ReLU(),
    nn.Linear(128, 64), nn.ReLU(),
    nn.Linear(64, 10))
mlp_acc = fit('MLP', mlp, 0.05)
cnn = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(32 * 4 * 4, 10))
cnn_acc = fit('CNN', cnn, 0.05)
print('\ntest accuracy: MLP %.1f%%, CNN %.1f%%' % (100 * mlp_acc, 100 * cnn_acc))
