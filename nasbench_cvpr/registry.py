"""Registries of nasbench_cvpr, children of the mmrazor/mmpretrain/mmengine roots.

Configs run with ``default_scope='nasbench_cvpr'``; a type not registered here
is looked up in the parent registry (mmrazor for models, loops and hooks,
mmpretrain for data and metrics, mmengine otherwise). Other scopes are
reachable with a prefix, e.g. ``type='mmpretrain.CrossEntropyLoss'``.
``locations`` import the modules that register components, so a config never
needs ``custom_imports`` for this package's own components.
"""
from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS
from mmengine.registry import Registry

from . import compat  # noqa: F401  (must run before mmrazor is imported)
from mmrazor import registry as razor  # noqa: E402
from mmpretrain import registry as pretrain  # noqa: E402

SCOPE = 'nasbench_cvpr'

MODELS = Registry('model', parent=razor.MODELS, scope=SCOPE,
                  locations=['nasbench_cvpr.models'])
# a direct child of mmengine's root: the Runner looks wrappers up from there
MODEL_WRAPPERS = Registry('model_wrapper', parent=MMENGINE_MODEL_WRAPPERS,
                          scope=SCOPE, locations=['nasbench_cvpr.models'])
LOOPS = Registry('loop', parent=razor.LOOPS, scope=SCOPE,
                 locations=['nasbench_cvpr.engine'])
HOOKS = Registry('hook', parent=razor.HOOKS, scope=SCOPE,
                 locations=['nasbench_cvpr.engine'])
OPTIM_WRAPPERS = Registry('optim_wrapper', parent=razor.OPTIM_WRAPPERS,
                          scope=SCOPE, locations=['nasbench_cvpr.engine'])
OPTIMIZERS = Registry('optimizer', parent=razor.OPTIMIZERS, scope=SCOPE)
PARAM_SCHEDULERS = Registry('parameter scheduler',
                            parent=razor.PARAM_SCHEDULERS, scope=SCOPE)
DATASETS = Registry('dataset', parent=pretrain.DATASETS, scope=SCOPE,
                    locations=['nasbench_cvpr.datasets'])
DATA_SAMPLERS = Registry('data sampler', parent=pretrain.DATA_SAMPLERS,
                         scope=SCOPE, locations=['nasbench_cvpr.datasets'])
TRANSFORMS = Registry('transform', parent=pretrain.TRANSFORMS, scope=SCOPE,
                      locations=['nasbench_cvpr.datasets'])
# batch augmentations of mmpretrain's ClsDataPreprocessor
BATCH_AUGMENTS = Registry('batch augment', parent=pretrain.BATCH_AUGMENTS,
                          scope=SCOPE, locations=['nasbench_cvpr.datasets'])
METRICS = Registry('metric', parent=pretrain.METRICS, scope=SCOPE,
                   locations=['nasbench_cvpr.evaluation'])
EVALUATORS = Registry('evaluator', parent=pretrain.EVALUATORS, scope=SCOPE,
                      locations=['nasbench_cvpr.evaluation'])
RUNNERS = Registry('runner', parent=razor.RUNNERS, scope=SCOPE,
                   locations=['nasbench_cvpr.engine'])
VISBACKENDS = Registry('vis_backend', parent=pretrain.VISBACKENDS, scope=SCOPE)
VISUALIZERS = Registry('visualizer', parent=pretrain.VISUALIZERS, scope=SCOPE)
LOG_PROCESSORS = Registry('log_processor', parent=pretrain.LOG_PROCESSORS,
                          scope=SCOPE)
WEIGHT_INITIALIZERS = Registry('weight initializer',
                               parent=razor.WEIGHT_INITIALIZERS, scope=SCOPE)

# Registries of this package only (no OpenMMLab counterpart).
SEARCH_SPACES = Registry('search space', scope=SCOPE,
                         locations=['nasbench_cvpr.spaces'])
SAMPLERS = Registry('arch sampler', scope=SCOPE,
                    locations=['nasbench_cvpr.models.samplers'])
DISTILLERS = Registry('distiller', scope=SCOPE,
                      locations=['nasbench_cvpr.models.distillers'])
PROXIES = Registry('zero-cost proxy', scope=SCOPE,
                   locations=['nasbench_cvpr.models.proxies'])
PARTITIONS = Registry('space partition', scope=SCOPE,
                      locations=['nasbench_cvpr.models.fewshot'])
