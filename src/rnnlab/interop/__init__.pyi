"""Type stub of rnnlab.interop: the names its __init__ loads lazily (PEP 562), spelled out
for type checkers and IDEs. Keep it in step with the attach() call there (tests/test_typing.py).
"""
from . import layouts as layouts, onnx_export as onnx_export, pytorch as pytorch
from .onnx_export import export_onnx as export_onnx
from .pytorch import (
    RNNModule as RNNModule,
    from_torch as from_torch,
    load_torch_state_dict as load_torch_state_dict,
    to_torch as to_torch,
    torch_state_dict as torch_state_dict,
)

__all__ = ["RNNModule", "export_onnx", "from_torch", "layouts", "load_torch_state_dict",
           "onnx_export", "pytorch", "to_torch", "torch_state_dict"]
