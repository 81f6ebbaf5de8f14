"""Using rnnlab models elsewhere: PyTorch both ways, ONNX export (optional extras).

    to_torch(model)                       a torch.nn.Module (nn.RNN/LSTM/GRU + nn.Linear)
    from_torch(rnn, linear=None, ...)     an rl.RNN from nn.RNN/LSTM/GRU (+ nn.Linear)
    torch_state_dict(model)               the weights in PyTorch's key names
    load_torch_state_dict(model, sd)      a PyTorch state dict into a model
    export_onnx(model, path)              an ONNX file (RNN/LSTM/GRU operators) for onnxruntime

PyTorch comes with the `torch` extra (pip install 'rnnlab[torch]'), ONNX with the `onnx` extra
(pip install 'rnnlab[onnx]': onnx and onnxruntime); each loads on first use, and a missing one
raises an ImportError that names its extra. The weight layouts of rnnlab, PyTorch and ONNX are
tabled in rnnlab.interop.layouts (NumPy only).
"""
from .._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "to_torch": "pytorch", "from_torch": "pytorch", "torch_state_dict": "pytorch",
    "load_torch_state_dict": "pytorch", "RNNModule": "pytorch", "export_onnx": "onnx_export",
}, ("layouts", "pytorch", "onnx_export"))
