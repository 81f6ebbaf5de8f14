"""Deep and bidirectional stacks: pure wiring of cell calls. A one-layer stack is the plain cell,
the backward half of a bidirectional layer is the cell on the reversed sequence, a deep stack
feeds each layer the one below, and the inference path (chunks of steps through every layer)
gives what the training path gives."""
import numpy as np
import pytest

from conftest import gapped_mask
from rnnlab.nn import CELLS, stack

T, B, D, H = 7, 4, 2, 3


def _layers(rng, cell, n_layers, bidirectional):
    return stack.init(cell, D, H, n_layers, bidirectional=bidirectional, rng=rng,
                      dtype=np.float64)


@pytest.mark.parametrize("name", CELLS)
def test_one_layer_stack_is_the_plain_cell(rng, name):
    cell = CELLS[name]
    x = rng.standard_normal((T, B, D))
    (p,) = _layers(rng, cell, 1, False)
    outs, caches = stack.forward(cell, [p], x)
    h, cache = cell.forward(p, x)
    np.testing.assert_array_equal(outs[0], h)
    dh = rng.standard_normal(h.shape)
    g1, dx1, d01 = stack.backward(cell, [p], caches, dh)
    g2, dx2, d02 = cell.backward(p, cache, dh)
    np.testing.assert_array_equal(dx1, dx2)
    for k in g2:
        np.testing.assert_array_equal(g1[0][k], g2[k])
    for a, b in zip(d01[0], d02):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", CELLS)
def test_a_deep_stack_feeds_each_layer_the_one_below(rng, name):
    cell = CELLS[name]
    x = rng.standard_normal((T, B, D))
    layers = _layers(rng, cell, 3, False)
    outs, _ = stack.forward(cell, layers, x)
    inp = x
    for p, out in zip(layers, outs):
        inp, _ = cell.forward(p, inp)
        np.testing.assert_array_equal(out, inp)


@pytest.mark.parametrize("name", CELLS)
def test_backward_half_is_the_cell_on_the_reversed_sequence(rng, name):
    cell = CELLS[name]
    x = rng.standard_normal((T, B, D))
    layers = _layers(rng, cell, 2, True)
    outs, _ = stack.forward(cell, layers, x, bidirectional=True)
    hb_alone, _ = cell.forward(layers[0]["b"], x[::-1].copy())
    np.testing.assert_allclose(outs[0][1], hb_alone[::-1], rtol=1e-14)
    above = np.concatenate(outs[0], axis=-1)                      # layer 2 reads [h_f; h_b]
    hf2, _ = cell.forward(layers[1]["f"], above)
    np.testing.assert_allclose(outs[1][0], hf2, rtol=1e-14)


@pytest.mark.parametrize("name", CELLS)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("keep", ["top", "all"])
def test_inference_path_equals_the_training_path(rng, name, bidirectional, keep):
    """Chunks of 2 steps through 3 layers (unidirectional), or layer by layer (bidirectional):
    the emitted states and the final states are those of stack.forward."""
    cell = CELLS[name]
    x, mask = rng.standard_normal((T, B, D)), gapped_mask(T, B)
    layers = _layers(rng, cell, 3, bidirectional)
    h0 = [{d: cell.zero_state(B, H, np.float64) for d in "fb"} if bidirectional
          else tuple(rng.standard_normal((B, H)) for _ in cell.STATE) for _ in layers]
    outs, caches = stack.forward(cell, layers, x, h0, mask=mask, bidirectional=bidirectional)
    want_finals = stack.final_states(cell, caches, bidirectional)
    got = {}
    chunk = B * H * (cell.GATES + 2) * 8 * 2                       # two steps per chunk
    finals = stack.infer(cell, layers, x, h0, mask=mask, bidirectional=bidirectional, keep=keep,
                         emit=lambda t0, o: got.setdefault(t0, o), chunk_bytes=chunk)
    assert sorted(got) == ([0] if bidirectional else [0, 2, 4, 6])
    kept = outs if keep == "all" else outs[-1:]
    for l, want in enumerate(kept):
        parts = [got[t0][l] for t0 in sorted(got)]
        if bidirectional:
            for i in range(2):
                np.testing.assert_allclose(np.concatenate([p[i] for p in parts]), want[i],
                                           atol=1e-13)
        else:
            np.testing.assert_allclose(np.concatenate(parts), want, atol=1e-13)
    for f, w in zip(finals, want_finals):
        pairs = [(f[d], w[d]) for d in "fb"] if bidirectional else [(f, w)]
        for a, b in pairs:
            for u, v in zip(a, b):
                np.testing.assert_allclose(u, v, atol=1e-13)
