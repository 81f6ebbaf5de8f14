"""`rnnlab export` and `rnnlab import`, in-process through main([...]) at tiny sizes."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab.cli import main


def _one_line_error(capsys, rc):
    err = capsys.readouterr().err
    assert rc == 2 and "Traceback" not in err
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("interop") / "run"
    assert main(["train", "--task", "parity", "--samples", "32", "--length", "4", "--hidden", "3",
                 "--cell", "lstm", "--layers", "2", "--bidirectional", "--epochs", "1",
                 "--out", str(out)]) == 0
    return out


def test_export_onnx_from_a_run_folder(run_folder, tmp_path, capsys, rng):
    ort = pytest.importorskip("onnxruntime")
    file = tmp_path / "m.onnx"
    assert main(["export", str(run_folder), "--to", "onnx", "--out", str(file), "--lengths"]) == 0
    assert str(file) in capsys.readouterr().out
    from rnnlab.cli.train import load_model
    model = load_model(run_folder)
    X = rng.normal(size=(3, 5, 1)).astype(np.float32)
    lengths = np.array([5, 2, 4])
    Y = ort.InferenceSession(str(file), providers=["CPUExecutionProvider"]).run(
        None, {"X": X, "lengths": lengths})[0]
    np.testing.assert_allclose(Y, model.predict(X, mask=np.arange(5) < lengths[:, None]),
                               rtol=1e-5, atol=1e-5)


def test_export_torch_then_import_gives_the_model_back(run_folder, tmp_path, capsys):
    torch = pytest.importorskip("torch")
    file, back = tmp_path / "m.pt", tmp_path / "imported"
    assert main(["export", str(run_folder), "--to", "torch", "--out", str(file)]) == 0
    sd = torch.load(file, weights_only=True)
    assert "rnn.weight_hh_l1_reverse" in sd and "head.weight" in sd
    assert main(["import", str(file), "--cell", "lstm", "--output", "sigmoid",
                 "--out", str(back)]) == 0
    from rnnlab.cli.train import load_model
    original, imported = load_model(run_folder), rl.load(back)
    assert (imported.n_in, imported.n_hidden, imported.n_out, imported.n_layers,
            imported.bidirectional) == (1, 3, 1, 2, True)
    X = np.random.default_rng(0).normal(size=(2, 4, 1))
    np.testing.assert_allclose(imported.predict(X), original.predict(X), rtol=1e-6, atol=1e-7)


def test_import_a_bare_pytorch_gru(tmp_path, capsys):
    torch = pytest.importorskip("torch")
    gru = torch.nn.GRU(2, 4, num_layers=2)
    torch.save(gru.state_dict(), tmp_path / "gru.pt")
    assert main(["import", str(tmp_path / "gru.pt"), "--cell", "gru", "--dtype", "float64",
                 "--out", str(tmp_path / "m")]) == 0
    m = rl.load(tmp_path / "m")
    x = np.random.default_rng(0).normal(size=(3, 5, 2))
    with torch.no_grad():
        want = gru.double()(torch.from_numpy(x.swapaxes(0, 1).copy()))[0].numpy().swapaxes(0, 1)
    np.testing.assert_allclose(m.predict(x), want, atol=1e-7)


def test_bad_input_is_one_line_and_exit_2(run_folder, tmp_path, capsys):
    torch = pytest.importorskip("torch")
    rc = main(["export", str(run_folder), "--to", "keras", "--out", str(tmp_path / "x")])
    assert "unknown format --to 'keras'" in _one_line_error(capsys, rc)
    rc = main(["export", str(tmp_path / "nowhere"), "--to", "onnx", "--out", str(tmp_path / "x")])
    assert "does not exist" in _one_line_error(capsys, rc)
    torch.save(torch.nn.GRU(2, 4).state_dict(), tmp_path / "gru.pt")
    rc = main(["import", str(tmp_path / "gru.pt"), "--cell", "lstm", "--out", str(tmp_path / "m")])
    assert "weight_hh_l0 has shape (12, 4)" in _one_line_error(capsys, rc)
    rc = main(["import", str(tmp_path / "gru.pt"), "--cell", "gru", "--hidden", "5",
               "--out", str(tmp_path / "m")])
    assert "must have shape (15, 2)" in _one_line_error(capsys, rc)
    rc = main(["import", str(tmp_path / "gru.pt"), "--cell", "gru", "--layers", "3",
               "--out", str(tmp_path / "m")])
    assert "no key 'weight_ih_l1'" in _one_line_error(capsys, rc)
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    rc = main(["import", str(tmp_path / "junk.pt"), "--cell", "gru", "--out", str(tmp_path / "m")])
    assert "is not a PyTorch state dict" in _one_line_error(capsys, rc)
    assert not (tmp_path / "m").exists()


def test_a_missing_extra_is_one_line_naming_it(run_folder, tmp_path, capsys, monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "onnx", None)           # as if onnx were not installed
    monkeypatch.delitem(sys.modules, "rnnlab.interop.onnx_export", raising=False)
    if "onnx_export" in vars(rl.interop):
        monkeypatch.delattr(rl.interop, "onnx_export")
    rc = main(["export", str(run_folder), "--to", "onnx", "--out", str(tmp_path / "m.onnx")])
    assert "pip install 'rnnlab[onnx]'" in _one_line_error(capsys, rc)
