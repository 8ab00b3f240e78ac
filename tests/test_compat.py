import subprocess
import sys


def test_mmrazor_imports_through_package():
    # a fresh interpreter, so no earlier import can hide an ordering problem
    code = ('import nasbench_cvpr, mmrazor.models, mmrazor.engine\n'
            'from mmrazor.registry import MODELS\n'
            'assert "DynamicConv2d" in MODELS.module_dict\n'
            'import sys; assert sys.modules["mmrazor.structures.quantization"]'
            '.__doc__.startswith("Stub")\n')
    subprocess.run([sys.executable, '-c', code], check=True)


def test_stub_fails_loudly_if_used():
    import pytest
    from nasbench_cvpr.compat import _QuantizationUnavailable
    with pytest.raises(ImportError, match='quantization'):
        _QuantizationUnavailable()
