"""The one PyTorch twin of an rnnlab model, the oracle for forward values and gradients.

The weights are copied one way only: from the rnnlab model into new torch modules. They map as
DESIGN.md section 7 states: W0 -> weight_ih_l{k}, W11 -> weight_hh_l{k}, "_reverse" for the
backward direction. The hidden biases: Elman and LSTM b0 -> bias_ih with bias_hh = 0 (ours is
their sum); GRU b0 -> bias_ih, and bias_hh = [0 (r, z rows) | b_hn] (the hidden bias of n sits
inside the reset gate, as in PyTorch). The output layer is one nn.Linear over [h_f; h_b] with
weight [W1_f | W1_b] and bias b1_f + b1_b (the lecture's fusion).

Only modules named *_torch.py import this file (it imports torch at the top).
"""
import numpy as np
import torch

MODULES = {"elman": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


def directions(model):
    """(direction key or None, PyTorch's parameter suffix) per direction of a layer."""
    return [("f", ""), ("b", "_reverse")] if model.bidirectional else [(None, "")]


def twin(model):
    """(rnn, linear) torch modules holding the model's weights, in the model's dtype."""
    tdtype = torch.float64 if model.dtype == np.float64 else torch.float32
    kw = {"nonlinearity": model.activation} if model.cell == "elman" else {}
    rnn = MODULES[model.cell](model.n_in, model.n_hidden, num_layers=model.n_layers,
                              batch_first=True, bidirectional=model.bidirectional, **kw).to(tdtype)
    H = model.n_hidden
    with torch.no_grad():
        for l, layer in enumerate(model.params["layers"]):
            for d, sfx in directions(model):
                p = layer if d is None else layer[d]
                sfx = f"_l{l}{sfx}"
                getattr(rnn, "weight_ih" + sfx).copy_(torch.from_numpy(p["W0"]))
                getattr(rnn, "weight_hh" + sfx).copy_(torch.from_numpy(p["W11"]))
                getattr(rnn, "bias_ih" + sfx).copy_(torch.from_numpy(p["b0"]))
                bias_hh = getattr(rnn, "bias_hh" + sfx)
                bias_hh.zero_()
                if model.cell == "gru":
                    bias_hh[2 * H:] = torch.from_numpy(p["b_hn"])
        out = model.params["output"]
        outs = [out["f"], out["b"]] if model.bidirectional else [out]
        lin = torch.nn.Linear(H * len(outs), model.n_out).to(tdtype)
        lin.weight.copy_(torch.from_numpy(np.concatenate([o["W1"] for o in outs], axis=1)))
        lin.bias.copy_(torch.from_numpy(sum(o["b1"] for o in outs)))
    return rnn, lin


def grads_as_rnnlab(model, rnn, lin):
    """The torch gradients arranged like rnnlab's grads tree.

    b0's gradient is bias_ih's (for the Elman net and the LSTM it equals bias_hh's as well, the
    two biases entering as a sum; for the GRU only the r and z rows of bias_hh do); b_hn's is
    bias_hh's n rows. Both b1_f and b1_b get the one torch bias's gradient.
    """
    H = model.n_hidden
    layers = []
    for l in range(model.n_layers):
        per = {}
        for d, sfx in directions(model):
            sfx = f"_l{l}{sfx}"
            g = {"W0": getattr(rnn, "weight_ih" + sfx).grad.numpy(),
                 "W11": getattr(rnn, "weight_hh" + sfx).grad.numpy(),
                 "b0": getattr(rnn, "bias_ih" + sfx).grad.numpy()}
            if model.cell == "gru":
                g["b_hn"] = getattr(rnn, "bias_hh" + sfx).grad.numpy()[2 * H:]
            per[d] = g
        layers.append(per[None] if None in per else per)
    W, b = lin.weight.grad.numpy(), lin.bias.grad.numpy()
    if model.bidirectional:
        output = {"f": {"W1": W[:, :H], "b1": b}, "b": {"W1": W[:, H:], "b1": b}}
    else:
        output = {"W1": W, "b1": b}
    return {"layers": layers, "output": output}


def half_sse(y, target, batch, mask=None):
    """rnnlab's squared-error loss: 1/2 sum of squares over steps and units (the real steps, with
    a (B, T) mask), mean over the batch."""
    sq = (y - target) ** 2
    if mask is not None:
        sq = sq * mask[..., None]
    return 0.5 * sq.sum() / batch
