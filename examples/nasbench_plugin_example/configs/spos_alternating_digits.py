# SPOS on the embedded digits demo with the plugin's sampler. The package is
# imported by name (installed with pip install -e, or on PYTHONPATH) before
# the model is built, which registers its sampler.
#   python tools/train.py \
#       examples/nasbench_plugin_example/configs/spos_alternating_digits.py
_base_ = ['../../../configs/supernet/demo_spos_digits.py']
custom_imports = dict(imports=['nasbench_plugin_example'],
                      allow_failed_imports=False)
model = dict(sampler=dict(_delete_=True, type='AlternatingExtremesSampler'))
work_dir = 'work_dirs/spos_alternating_digits'
