# Loads a sampler from a separate package named in custom_imports.
_base_ = ['../../configs/supernet/demo_spos_digits.py']
custom_imports = dict(imports=['nasbench_plugin_example'],
                      allow_failed_imports=False)
model = dict(sampler=dict(_delete_=True, type='AlternatingExtremesSampler'))
