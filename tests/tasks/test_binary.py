"""n-bit addition and parity: hand-worked encodings, properties over random samples, bad input."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab.tasks import binary


def test_three_plus_five_is_eight():
    X, Y = binary.encode_addition([3], [5], 4)
    # 3 = 0011, 5 = 0101, 8 = 01000, written least significant bit first, zeros at the last step
    np.testing.assert_array_equal(X[0, :, 0], [1, 1, 0, 0, 0])
    np.testing.assert_array_equal(X[0, :, 1], [1, 0, 1, 0, 0])
    np.testing.assert_array_equal(Y[0, :, 0], [0, 0, 0, 1, 0])


def test_final_carry_lands_on_the_last_step():
    X, Y = binary.encode_addition([15], [1], 4)               # 1111 + 0001 = 10000
    np.testing.assert_array_equal(Y[0, :, 0], [0, 0, 0, 0, 1])


def test_delayed_addition_answers_two_steps_late():
    X, Y = binary.encode_addition([3], [5], 4, delay=2)
    np.testing.assert_array_equal(X[0, :, 0], [1, 1, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(X[0, :, 1], [1, 0, 1, 0, 0, 0, 0])
    np.testing.assert_array_equal(Y[0, :, 0], [0, 0, 0, 0, 0, 1, 0])


def test_parity_of_1011_is_1():
    X = np.array([[[1], [0], [1], [1]]], dtype=np.float32)
    np.testing.assert_array_equal(binary.parity_targets(X)[0, :, 0], [1, 1, 0, 1])
    np.testing.assert_array_equal(binary.parity_targets(X, final_only=True), [[1]])


@pytest.mark.parametrize("n_bits", [1, 7, 70])
@pytest.mark.parametrize("delay", [0, 2])
def test_addition_decodes_to_a_plus_b(n_bits, delay):
    X, Y = rl.tasks.addition(200, n_bits, random_state=n_bits, delay=delay)
    T = n_bits + 1 + delay
    assert X.shape == (200, T, 2) and Y.shape == (200, T, 1)
    assert X.dtype == np.float32 and Y.dtype == np.float32
    assert not X[:, n_bits:].any() and not Y[:, :delay].any()
    a, b, s = binary.decode_addition(X, Y, delay=delay)
    assert all(int(x) + int(y) == int(z) for x, y, z in zip(a, b, s))
    assert max(s) >= 2 ** (n_bits - 1)                    # carries into the top bits happen


@pytest.mark.parametrize("n_bits", [1, 9, 100])
def test_parity_is_the_running_xor(n_bits):
    X, Y = rl.tasks.parity(300, n_bits, random_state=0)
    assert X.shape == Y.shape == (300, n_bits, 1)
    counts = np.cumsum(X[:, :, 0], axis=1)                # number of ones so far
    np.testing.assert_array_equal(Y[:, :, 0], counts % 2)
    _, Yf = rl.tasks.parity(300, n_bits, random_state=0, final_only=True)
    assert Yf.shape == (300, 1)
    np.testing.assert_array_equal(Yf[:, 0], counts[:, -1] % 2)


def test_bits_are_uniform_and_seeded():
    X1, _ = rl.tasks.addition(2000, 8, random_state=5)
    X2, _ = rl.tasks.addition(2000, 8, random_state=np.random.default_rng(5))
    X3, _ = rl.tasks.addition(2000, 8, random_state=6)
    np.testing.assert_array_equal(X1, X2)
    assert not np.array_equal(X1, X3)
    assert abs(X1[:, :8].mean() - 0.5) < 0.02             # 32000 fair bits: sd 0.003
    rl.tasks.parity(3, 4)                                 # random_state=None: fresh entropy


def test_bits_to_int_and_back():
    values = [0, 1, 6, 2 ** 80 + 3]
    bits = binary.int_to_bits(values, 81)
    assert bits[2, :3].tolist() == [0, 1, 1]              # 6 = 110, LSB first
    assert binary.bits_to_int(bits).tolist() == values


@pytest.mark.parametrize("call, match", [
    (lambda: rl.tasks.addition(10, 0), "n_bits must be >= 1, got 0"),
    (lambda: rl.tasks.addition(0, 4), "n_samples must be >= 1"),
    (lambda: rl.tasks.addition(10, 4, delay=-1), "delay must be >= 0"),
    (lambda: rl.tasks.parity(10, 0), "n_bits must be >= 1"),
    (lambda: binary.int_to_bits([16], 4), r"values must hold integers in 0..2\*\*4 - 1, got 16"),
    (lambda: binary.encode_addition([-1], [2], 4), "a must hold integers"),
    (lambda: binary.parity_targets(np.full((1, 3, 1), 0.5)), "X must hold only 0/1 bits"),
    (lambda: binary.decode_addition(np.zeros((2, 3, 2)), np.zeros((2, 4, 1))), "same batch"),
])
def test_bad_input_raises_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call, match", [
    (lambda: rl.tasks.addition(10, 4.0), "n_bits must be an integer"),
    (lambda: rl.tasks.addition(10, 4, random_state="seed"), "random_state must be None"),
    (lambda: rl.tasks.parity(10, 4, final_only="yes"), "final_only must be True or False"),
])
def test_bad_types_raise_type_error(call, match):
    with pytest.raises(TypeError, match=match):
        call()
