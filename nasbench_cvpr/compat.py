"""Make mmrazor 1.0.0 importable on torch 2.x.

``mmrazor.structures.quantization`` imports private ``torch.ao.quantization``
APIs that torch 2.x removed, and every NAS import chain of mmrazor
(``mmrazor.models``, ``mmrazor.engine``) reaches it through
``mmrazor.structures``. This project does not use quantization, so a stub
module is put under that name in ``sys.modules`` before mmrazor loads. The stub
exports the two names the quantizers import, as placeholders that fail loudly
if anything ever uses them. Nothing else is patched.
"""
import sys
import types

_QUANT_MODULE = 'mmrazor.structures.quantization'


class _QuantizationUnavailable:
    """Placeholder for quantization classes unusable on this torch version."""

    def __init__(self, *args, **kwargs) -> None:
        raise ImportError(
            'mmrazor quantization is not available: it needs torch APIs '
            'removed in torch 2.x (stubbed by nasbench_cvpr.compat).')


def install_mmrazor_quantization_stub() -> None:
    """Register the stub module unless mmrazor was already imported."""
    if _QUANT_MODULE in sys.modules:
        return
    stub = types.ModuleType(_QUANT_MODULE)
    stub.__doc__ = 'Stub installed by nasbench_cvpr.compat.'
    stub.BackendConfigs = {}
    stub.QConfigHandler = _QuantizationUnavailable
    stub.__all__ = []
    sys.modules[_QUANT_MODULE] = stub


install_mmrazor_quantization_stub()
