"""rnnlab.interop with PyTorch: to_torch equals predict, from_torch equals PyTorch's own modules,
round trips are bit-exact, state dicts load by PyTorch's key names, and BPTT agrees after
training in PyTorch. float64 wherever the comparison allows (tolerance 1e-12), float32 at 1e-5."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab._tree import leaves

torch = pytest.importorskip("torch")
interop = rl.interop

CELLS = [("elman", "tanh"), ("elman", "relu"), ("lstm", "tanh"), ("gru", "tanh")]
SEQ_MAPPINGS = ["many-to-many", "many-to-one", "many-to-many-delayed"]
MAPPINGS = SEQ_MAPPINGS + ["one-to-one", "one-to-many"]
OUTPUT = {"many-to-many": "identity", "many-to-one": "softmax", "many-to-many-delayed": "sigmoid",
          "one-to-one": "softmax", "one-to-many": "identity"}
B, T, D, H, K = 4, 6, 3, 5, 2
LENGTHS = np.array([6, 2, 1, 4])                      # right-padded batch, one full sequence


def _model(cell, activation, n_layers, bi, mapping, dtype="float64", seed=0):
    m = rl.RNN(D, H, K, cell=cell, activation=activation, n_layers=n_layers, bidirectional=bi,
               mapping=mapping, delay=2 if mapping == "many-to-many-delayed" else 0,
               output=OUTPUT[mapping], dtype=dtype, seed=seed)
    rng = np.random.default_rng(seed + 1)             # every bias nonzero, b1_b too
    for _, a in leaves(m.params):
        a += rng.normal(scale=0.3, size=a.shape).astype(a.dtype)
    return m


def _params_equal(a, b):
    la, lb = list(leaves(a.params)), list(leaves(b.params))
    return [p for p, _ in la] == [p for p, _ in lb] and all(
        x.dtype == y.dtype and np.array_equal(x, y) for (_, x), (_, y) in zip(la, lb))


def _run(module, X, **kw):
    with torch.no_grad():
        return module(torch.from_numpy(X), **kw).numpy()


@pytest.mark.parametrize("bi", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("n_layers", [1, 2])
@pytest.mark.parametrize("mapping", MAPPINGS)
@pytest.mark.parametrize("cell, activation", CELLS, ids=[f"{c}-{a}" for c, a in CELLS])
def test_to_torch_equals_predict_float64(cell, activation, mapping, n_layers, bi, rng):
    m = _model(cell, activation, n_layers, bi, mapping)
    module = interop.to_torch(m)
    assert isinstance(module.rnn, {"elman": torch.nn.RNN, "lstm": torch.nn.LSTM,
                                   "gru": torch.nn.GRU}[cell])
    if mapping in ("one-to-one", "one-to-many"):
        X = rng.normal(size=(B, D))
        kw = {"n_steps": T} if mapping == "one-to-many" else {}
        np.testing.assert_allclose(_run(module, X, **kw), m.predict(X, **kw), rtol=0, atol=1e-12)
        return
    X = rng.normal(size=(B, T, D))
    np.testing.assert_allclose(_run(module, X), m.predict(X), rtol=0, atol=1e-12)
    mask = np.arange(T)[None, :] < LENGTHS[:, None]
    X[~mask] = 1e3                                    # padding must not leak into any output
    np.testing.assert_allclose(_run(module, X, lengths=torch.from_numpy(LENGTHS)),
                               m.predict(X, mask=mask), rtol=0, atol=1e-12)


@pytest.mark.parametrize("cell, activation", CELLS, ids=[f"{c}-{a}" for c, a in CELLS])
def test_to_torch_equals_predict_float32(cell, activation, rng):
    m = _model(cell, activation, 2, True, "many-to-many", dtype="float32")
    module = interop.to_torch(m)
    assert module.head.weight.dtype == torch.float32
    X = rng.normal(size=(B, T, D)).astype(np.float32)
    np.testing.assert_allclose(_run(module, X), m.predict(X), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("bi", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("cell, activation", CELLS, ids=[f"{c}-{a}" for c, a in CELLS])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_round_trip_rnnlab_torch_rnnlab_is_bit_exact(cell, activation, bi, dtype):
    m = _model(cell, activation, 2, bi, "many-to-many-delayed", dtype=dtype)
    back = interop.from_torch(interop.to_torch(m))
    assert _params_equal(m, back)
    assert back.get_config() == m.get_config()


@pytest.mark.parametrize("bi", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
def test_round_trip_through_a_state_dict(cell, bi, rng):
    m = _model(cell, "tanh", 2, bi, "many-to-many")
    sd = interop.torch_state_dict(m)
    same = rl.RNN(**m.get_config())                  # the same split of the output bias: exact
    same.params["output"] = {k: (dict(v) if isinstance(v, dict) else v.copy())
                             for k, v in m.params["output"].items()}
    assert _params_equal(interop.load_torch_state_dict(same, sd), m)
    other = interop.load_torch_state_dict(rl.RNN(**dict(m.get_config(), seed=9)), sd)
    X = rng.normal(size=(B, T, D))
    np.testing.assert_allclose(other.predict(X), m.predict(X), rtol=0, atol=1e-12)
    if bi:                                           # another split: b1_f = b1_f + b1_b, b1_b = 0
        out = other.params["output"]
        np.testing.assert_array_equal(out["b"]["b1"], 0)
        np.testing.assert_array_equal(out["f"]["b1"], sd["head.bias"].numpy())
    else:
        assert _params_equal(other, m)


def _torch_rnn(cell, bi, n_layers=2, bias=True, batch_first=True, nonlinearity="tanh"):
    torch.manual_seed(0)
    extra = {"nonlinearity": nonlinearity} if cell == "elman" else {}
    cls = {"elman": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    rnn = cls(D, H, num_layers=n_layers, bidirectional=bi, bias=bias, batch_first=batch_first,
              **extra).double()
    return rnn


@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("bi", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("cell, activation", CELLS, ids=[f"{c}-{a}" for c, a in CELLS])
def test_from_torch_equals_pytorch(cell, activation, bi, bias, batch_first, rng):
    """PyTorch is the oracle: its own modules (two nonzero biases each) against the import."""
    rnn = _torch_rnn(cell, bi, bias=bias, batch_first=batch_first, nonlinearity=activation)
    lin = torch.nn.Linear(H * (2 if bi else 1), K).double()
    X = rng.normal(size=(B, T, D))
    x = torch.from_numpy(X if batch_first else X.swapaxes(0, 1).copy())
    with torch.no_grad():
        out, h_n = rnn(x)
        h_n = h_n[0] if cell == "lstm" else h_n
        out = out if batch_first else out.transpose(0, 1)
        want_seq = lin(out).numpy()
        want_last = torch.sigmoid(lin(torch.cat(list(h_n[-(2 if bi else 1):]), -1))).numpy()
    m = interop.from_torch(rnn, lin)
    assert m.dtype == np.float64 and m.cell == cell and m.n_layers == 2
    np.testing.assert_allclose(m.predict(X), want_seq, rtol=0, atol=1e-12)
    m1 = interop.from_torch(rnn, lin, mapping="many-to-one", output="sigmoid")
    np.testing.assert_allclose(m1.predict(X), want_last, rtol=0, atol=1e-12)
    bare = interop.from_torch(rnn)                   # no head: the outputs are the states
    np.testing.assert_allclose(bare.predict(X), out.numpy(), rtol=0, atol=1e-12)


@pytest.mark.parametrize("bi", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
def test_from_torch_with_packed_sequences_equals_pytorch(cell, bi, rng):
    rnn = _torch_rnn(cell, bi)
    X = rng.normal(size=(B, T, D))
    packed = torch.nn.utils.rnn.pack_padded_sequence(torch.from_numpy(X), torch.from_numpy(
        LENGTHS), batch_first=True, enforce_sorted=False)
    with torch.no_grad():
        out, h_n = rnn(packed)
        out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=T)
    h_n = (h_n[0] if cell == "lstm" else h_n)[-(2 if bi else 1):]
    mask = np.arange(T)[None, :] < LENGTHS[:, None]
    m = interop.from_torch(rnn)
    np.testing.assert_allclose(m.predict(X, mask=mask)[mask], out.numpy()[mask], atol=1e-12)
    m1 = interop.from_torch(rnn, mapping="many-to-one")
    np.testing.assert_allclose(m1.predict(X, mask=mask), torch.cat(list(h_n), -1).numpy(),
                               atol=1e-12)


class _UserNet(torch.nn.Module):
    def __init__(self, bi):
        super().__init__()
        self.encoder = torch.nn.LSTM(D, H, num_layers=2, bidirectional=bi, batch_first=True)
        self.fc = torch.nn.Linear(H * (2 if bi else 1), K)

    def forward(self, x):
        return self.fc(self.encoder(x)[0])


@pytest.mark.parametrize("bi", [False, True], ids=["uni", "bi"])
def test_a_saved_pytorch_checkpoint_loads_into_a_model(bi, tmp_path, rng):
    torch.manual_seed(1)
    net = _UserNet(bi)
    torch.save(net.state_dict(), tmp_path / "ckpt.pt")
    sd = torch.load(tmp_path / "ckpt.pt", weights_only=True)
    m = rl.RNN(D, H, K, cell="lstm", n_layers=2, bidirectional=bi)
    assert interop.load_torch_state_dict(m, sd) is m          # prefixes "encoder.", "fc." found
    X = rng.normal(size=(B, T, D)).astype(np.float32)
    with torch.no_grad():
        want = net(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(m.predict(X), want, rtol=1e-5, atol=1e-5)
    # a bare nn.LSTM's state dict: the recurrent layers load, the output layer stays
    out_before = [a.copy() for _, a in leaves(m.params["output"])]
    bare = {k.removeprefix("encoder."): v * 2 for k, v in sd.items() if k.startswith("encoder.")}
    interop.load_torch_state_dict(m, bare)
    assert all(np.array_equal(a, b) for a, (_, b) in zip(out_before, leaves(m.params["output"])))
    top = m.params["layers"][1]["b"] if bi else m.params["layers"][1]
    np.testing.assert_array_equal(top["W11"], 2 * sd["encoder.weight_hh_l1" + ("_reverse" if bi
                                                                            else "")].numpy())


def test_load_state_dict_updates_the_live_arrays(rng):
    m = rl.RNN(D, H, K, cell="gru")
    live = m.params["layers"][0]["W0"]
    sd = interop.torch_state_dict(rl.RNN(D, H, K, cell="gru", seed=3))
    interop.load_torch_state_dict(m, sd)
    assert m.params["layers"][0]["W0"] is live
    np.testing.assert_array_equal(live, sd["rnn.weight_ih_l0"].numpy())
    np.testing.assert_array_equal(m.params["layers"][0]["b_hn"], sd["rnn.bias_hh_l0"][2 * H:])


@pytest.mark.parametrize("bi", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
def test_trained_in_pytorch_then_imported_same_loss_and_gradients(cell, bi, rng):
    """A few SGD steps in PyTorch (so both biases of every gate move apart), then the loss and
    every gradient of rnnlab's BPTT against PyTorch's autograd, on a masked batch."""
    rnn = _torch_rnn(cell, bi)
    lin = torch.nn.Linear(H * (2 if bi else 1), K).double()
    X, Y = rng.normal(size=(B, T, D)), rng.normal(size=(B, T, K))
    mask = np.arange(T)[None, :] < LENGTHS[:, None]
    tmask = torch.from_numpy(mask)[..., None].double()

    def loss_fn():                                   # rnnlab's mse: 1/2 sum over real steps / B
        packed = torch.nn.utils.rnn.pack_padded_sequence(
            torch.from_numpy(X), torch.from_numpy(LENGTHS), batch_first=True, enforce_sorted=False)
        out, _ = rnn(packed)
        out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=T)
        return 0.5 * (((lin(out) - torch.from_numpy(Y)) * tmask) ** 2).sum() / B
    params = [*rnn.parameters(), *lin.parameters()]
    for _ in range(3):                               # plain SGD steps
        grads = torch.autograd.grad(loss_fn(), params)
        with torch.no_grad():
            for p, g in zip(params, grads):
                p -= 0.1 * g
    loss = loss_fn()
    loss.backward()
    m = interop.from_torch(rnn, lin)
    value, grads = m.loss_and_grads(X, Y, mask=mask)
    assert value == pytest.approx(loss.item(), rel=1e-12)
    want = _torch_grads(rnn, lin, cell, bi)
    for (path, g), (wpath, w) in zip(leaves(grads), leaves(want)):
        assert path == wpath
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-12, err_msg=str(path))


def _torch_grads(rnn, lin, cell, bi):
    """PyTorch's gradients as rnnlab's tree: dW0 = d weight_ih, dW11 = d weight_hh, db0 =
    d bias_ih (= d bias_hh on the summed rows), the GRU's db_hn = d bias_hh's n block; the fused
    head's bias gradient is each direction's b1 gradient."""
    layers = []
    for l in range(rnn.num_layers):
        per = {}
        for d, sfx in ([("f", ""), ("b", "_reverse")] if bi else [(None, "")]):
            g = {n: getattr(rnn, f"{n}_l{l}{sfx}").grad.numpy()
                 for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
            p = {"W0": g["weight_ih"], "W11": g["weight_hh"], "b0": g["bias_ih"]}
            if cell == "gru":
                np.testing.assert_allclose(g["bias_ih"][:2 * H], g["bias_hh"][:2 * H])
                p["b_hn"] = g["bias_hh"][2 * H:]
            else:
                np.testing.assert_allclose(g["bias_ih"], g["bias_hh"])
            per[d] = p
        layers.append(per if bi else per[None])
    W, b = lin.weight.grad.numpy(), lin.bias.grad.numpy()
    out = ({"f": {"W1": W[:, :H], "b1": b}, "b": {"W1": W[:, H:], "b1": b}} if bi
           else {"W1": W, "b1": b})
    return {"layers": layers, "output": out}


def test_the_torch_module_trains_in_pytorch(rng):
    m = _model("lstm", "tanh", 1, True, "many-to-one")
    module = interop.to_torch(m).train()
    X = torch.from_numpy(rng.normal(size=(B, T, D)))
    module(X).sum().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in module.parameters())


# -- what is refused, and how ------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, words", [
    ({"mapping": "seq2seq"}, "mapping='seq2seq'"),
    ({"learn_h0": True}, "learn_h0=True"),
    ({"activation": "identity"}, "activation='identity'"),
])
def test_to_torch_refuses_what_pytorch_lacks(kwargs, words):
    m = rl.RNN(D, H, K, **kwargs)
    for fn in (interop.to_torch, interop.torch_state_dict):
        with pytest.raises(ValueError, match=words.replace("(", r"\(")):
            fn(m)


def test_from_torch_refuses_what_rnnlab_lacks():
    with pytest.raises(ValueError, match="proj_size=2"):
        interop.from_torch(torch.nn.LSTM(D, H, proj_size=2))
    with pytest.raises(TypeError, match="rnn must be a torch.nn.RNN, LSTM or GRU"):
        interop.from_torch(torch.nn.Linear(D, H))
    with pytest.raises(ValueError, match="in_features=4"):
        interop.from_torch(torch.nn.GRU(D, H, bidirectional=True), torch.nn.Linear(4, K))
    with pytest.raises(ValueError, match="torch.float16"):
        interop.from_torch(torch.nn.GRU(D, H).half())


def test_state_dict_errors_name_the_key():
    m = rl.RNN(D, H, K, cell="lstm", n_layers=2)
    sd = interop.torch_state_dict(m)
    missing = {k: v for k, v in sd.items() if k != "rnn.weight_hh_l1"}
    with pytest.raises(ValueError, match="no key 'rnn.weight_hh_l1'"):
        interop.load_torch_state_dict(m, missing)
    bad = dict(sd, **{"rnn.weight_ih_l1": torch.zeros(4 * H, 3)})
    with pytest.raises(ValueError, match=r"'rnn.weight_ih_l1'\] must have shape \(20, 5\).*"
                                         r"got \(20, 3\)"):
        interop.load_torch_state_dict(m, bad)
    extra = dict(sd, **{"rnn.weight_ih_l2": torch.zeros(4 * H, H)})
    with pytest.raises(ValueError, match="rnn.weight_ih_l2"):
        interop.load_torch_state_dict(m, extra)
    with pytest.raises(ValueError, match="head.weight.*must have shape"):
        interop.load_torch_state_dict(m, dict(sd, **{"head.weight": torch.zeros(K + 1, H)}))
    two = dict(sd, **{"other." + k[4:]: v for k, v in sd.items() if k.startswith("rnn.")})
    with pytest.raises(ValueError, match=r"found \['other.', 'rnn.'\]: pass rnn_prefix="):
        interop.load_torch_state_dict(m, two)
    interop.load_torch_state_dict(m, {k: v for k, v in two.items() if not k.startswith("rnn.")},
                                  rnn_prefix="other.")
    heads = dict(sd, **{"fc2.weight": torch.zeros(K, H)})
    with pytest.raises(ValueError, match="fc2.weight, head.weight.*pass head_prefix="):
        interop.load_torch_state_dict(m, heads)
    before = [a.copy() for _, a in leaves(m.params)]
    with pytest.raises(ValueError):                  # nothing is copied when a check fails
        interop.load_torch_state_dict(m, dict(interop.torch_state_dict(rl.RNN(
            D, H, K, cell="lstm", n_layers=2, seed=5)), **{"head.bias": torch.zeros(K + 1)}))
    assert all(np.array_equal(a, b) for a, (_, b) in zip(before, leaves(m.params)))


def test_lengths_are_checked(rng):
    module = interop.to_torch(_model("gru", "tanh", 1, False, "many-to-many"))
    X = torch.from_numpy(rng.normal(size=(B, T, D)))
    for bad in ([0, 1, 2, 3], [1, 2, 3, T + 1], [1, 2, 3]):
        with pytest.raises(ValueError, match="lengths must be 4 integers in 1..6"):
            module(X, lengths=torch.tensor(bad))


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
def test_one_to_many_feeding_every_step(cell, rng):
    m = rl.RNN(D, H, K, cell=cell, n_layers=2, mapping="one-to-many", feed="every",
               dtype="float64")
    X = rng.normal(size=(B, D))
    np.testing.assert_allclose(_run(interop.to_torch(m), X, n_steps=T), m.predict(X, n_steps=T),
                               rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="n_steps"):
        interop.to_torch(m)(torch.from_numpy(X))
