"""Periodic ranking check of a supernet during training."""
import json
from typing import Optional

from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from ..registry import HOOKS
from ..spaces import ArchFileError, invalid_summary, read_arch_codes
from .scoring import SubnetScorer, prepare_batches


@HOOKS.register_module()
class RankingCheckHook(Hook):
    """Every ``interval`` epochs, score a small arch set with the supernet
    and, if a ground-truth file is given, log Kendall tau and Pearson.

    This is for tuning hyper-parameters, as the challenge rules allow: the
    ground truth is read here only and only reaches the log, never a loss.
    The training state (active arch, BN statistics, train mode) is restored.

    Args:
        arch_file: Codes to score (``{key: {"arch": code}}``).
        interval: Epochs between checks.
        gt_file: Optional ground truth ``{key: {"arch", "acc"}}``.
        gt_key: Field of the ground truth to compare with.
        score: ``top1`` or ``neg_ce`` (the supernet's score).
        bn_mode: BN mode of :class:`SubnetScorer`.
        eval_num_images: Validation images used (deterministic subset).
        calib_num_images: Training images for BN recalibration.
        batch_size: Batch size of the prepared batches.
    """

    priority = 'LOW'

    def __init__(self,
                 arch_file: str,
                 interval: int = 1,
                 gt_file: Optional[str] = None,
                 gt_key: str = 'acc',
                 score: str = 'top1',
                 bn_mode: str = 'recalibrate',
                 eval_num_images: Optional[int] = 500,
                 calib_num_images: int = 500,
                 batch_size: int = 250) -> None:
        if interval < 1:
            raise ValueError(f'interval must be >= 1, got {interval}')
        self.arch_file = arch_file
        self.interval = interval
        self.gt_file = gt_file
        self.gt_key = gt_key
        self.score = score
        self.bn_mode = bn_mode
        self.eval_num_images = eval_num_images
        self.calib_num_images = calib_num_images
        self.batch_size = batch_size
        self._scorer = None

    def _build_scorer(self, runner) -> SubnetScorer:
        model = runner.model.module if is_model_wrapper(runner.model) \
            else runner.model
        self.codes, errors = read_arch_codes(self.arch_file,
                                             model.supernet.space)
        if errors:
            raise ArchFileError(
                'RankingCheckHook: ' + invalid_summary(
                    self.arch_file, len(errors),
                    len(self.codes) + len(errors)), errors, self.arch_file)
        cfg = runner.cfg
        eval_set = cfg.val_dataloader['dataset']
        calib = cfg.get('scoring_cfg', {}).get('calib_dataloader')
        calib_set = calib['dataset'] if calib else eval_set
        pre = model.data_preprocessor
        evals = prepare_batches(pre, eval_set, self.batch_size,
                                self.eval_num_images)
        calibs = prepare_batches(pre, calib_set, self.batch_size,
                                 self.calib_num_images) \
            if self.bn_mode == 'recalibrate' else []
        return SubnetScorer(model.supernet, evals, calibs, self.bn_mode)

    def after_train_epoch(self, runner) -> None:
        if not self.every_n_epochs(runner, self.interval):
            return
        if self._scorer is None:
            self._scorer = self._build_scorer(runner)
        preds = {k: self._scorer.score(c)[self.score]
                 for k, c in self.codes.items()}
        runner.message_hub.update_scalar(
            'ranking/mean_score', sum(preds.values()) / len(preds))
        if self.gt_file and is_main_process():
            from ..evaluation import ranking_metrics
            with open(self.gt_file) as f:
                gt = json.load(f)
            keys = [k for k in preds if k in gt]
            metrics = ranking_metrics([preds[k] for k in keys],
                                      [gt[k][self.gt_key] for k in keys])
            runner.logger.info(
                f'ranking check (epoch {runner.epoch + 1}, {len(keys)} '
                f'archs): kendall_tau={metrics["kendall_tau"]:.4f} '
                f'pearson={metrics["pearson"]:.4f}')
            runner.message_hub.update_scalar('ranking/kendall_tau',
                                             metrics['kendall_tau'])
