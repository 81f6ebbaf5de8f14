"""PyTorch twins of rnnlab Elman models, the oracle for forward values and gradients.

Weights map as DESIGN.md section 7 states: W0 -> weight_ih_l{k}, W11 -> weight_hh_l{k},
b0 -> bias_ih_l{k} with bias_hh_l{k} = 0 (ours is their sum), "_reverse" for the backward
direction; the output layer is one nn.Linear over [h_f; h_b] with weight [W1_f | W1_b] and bias
b1_f + b1_b (the lecture's fusion).
"""
import numpy as np
import torch


def twin(model):
    """(rnn, linear) torch modules holding the model's weights, in the model's dtype."""
    tdtype = torch.float64 if model.dtype == np.float64 else torch.float32
    rnn = torch.nn.RNN(model.n_in, model.n_hidden, num_layers=model.n_layers,
                       nonlinearity=model.activation, batch_first=True,
                       bidirectional=model.bidirectional).to(tdtype)
    dirs = ("f", "b") if model.bidirectional else (None,)
    with torch.no_grad():
        for l, layer in enumerate(model.params["layers"]):
            for d in dirs:
                p = layer if d is None else layer[d]
                sfx = f"_l{l}" + ("_reverse" if d == "b" else "")
                getattr(rnn, "weight_ih" + sfx).copy_(torch.from_numpy(p["W0"]))
                getattr(rnn, "weight_hh" + sfx).copy_(torch.from_numpy(p["W11"]))
                getattr(rnn, "bias_ih" + sfx).copy_(torch.from_numpy(p["b0"]))
                getattr(rnn, "bias_hh" + sfx).zero_()
        out = model.params["output"]
        outs = [out] if d is None else [out["f"], out["b"]]
        lin = torch.nn.Linear(model.n_hidden * len(outs), model.n_out).to(tdtype)
        lin.weight.copy_(torch.from_numpy(np.concatenate([o["W1"] for o in outs], axis=1)))
        lin.bias.copy_(torch.from_numpy(sum(o["b1"] for o in outs)))
    return rnn, lin


def grads_as_rnnlab(model, rnn, lin):
    """The torch gradients arranged like rnnlab's grads tree (bias_hh's gradient equals bias_ih's)."""
    dirs = ("f", "b") if model.bidirectional else (None,)
    layers = []
    for l in range(model.n_layers):
        per = {}
        for d in dirs:
            sfx = f"_l{l}" + ("_reverse" if d == "b" else "")
            per[d] = {"W0": getattr(rnn, "weight_ih" + sfx).grad.numpy(),
                      "W11": getattr(rnn, "weight_hh" + sfx).grad.numpy(),
                      "b0": getattr(rnn, "bias_ih" + sfx).grad.numpy()}
        layers.append(per[None] if None in per else per)
    H = model.n_hidden
    W, b = lin.weight.grad.numpy(), lin.bias.grad.numpy()
    if model.bidirectional:
        output = {"f": {"W1": W[:, :H], "b1": b}, "b": {"W1": W[:, H:], "b1": b}}
    else:
        output = {"W1": W, "b1": b}
    return {"layers": layers, "output": output}


def half_sse(y, target, batch):
    """rnnlab's squared-error loss: 1/2 sum of squares over steps and units, mean over the batch."""
    return 0.5 * ((y - target) ** 2).sum() / batch
