"""A Runner test loop that scores every code of an arch file."""
import os
import time
from typing import Dict, Optional

from mmengine.dist import barrier, get_dist_info
from mmengine.model import is_model_wrapper
from mmengine.runner.loops import BaseLoop
from mmengine.utils import ProgressBar

from ..registry import LOOPS
from ..spaces import (INVALID_KEY, ArchFileError, describe_error,
                      invalid_summary, read_arch_codes)
from ..utils import atomic_write_json
from .bn_calibration import check_calib_momentum
from .result_store import ResultStore, merge_records
from .scoring import (AUTOCAST_MODES, SCORE_KEYS, SubnetScorer,
                      prepare_batches)

#: Transforms of the submitted scores (the sidecar keeps the raw metrics).
SUBMIT_NORMALIZE = (None, 'minmax')


def normalize_scores(scores: Dict[str, float],
                     method: Optional[str]) -> Dict[str, float]:
    """Scores as submitted: unchanged, or min-max normalised to [0, 1].

    Min-max keeps the order (and ties) and makes scores of different
    metrics comparable in range; the 2021 3rd place submitted -CE this way.
    With all scores equal every code gets 0.5.

    Args:
        scores: Raw score per key.
        method: ``None`` or ``'minmax'``.
    """
    if method not in SUBMIT_NORMALIZE:
        raise ValueError(f'submit_normalize must be one of '
                         f'{list(SUBMIT_NORMALIZE)}, got {method!r}')
    if method is None or not scores:
        return dict(scores)
    lo, hi = min(scores.values()), max(scores.values())
    if hi == lo:
        return {k: 0.5 for k in scores}
    return {k: (v - lo) / (hi - lo) for k, v in scores.items()}
from .subnet_export import (DEFAULT_BATCH_SIZE, DEFAULT_CALIB_NUM_IMAGES,
                            calibration_batches)


def _loader_dataset(loader) -> dict:
    """The data set config of a dataloader config."""
    if not isinstance(loader, dict) or 'dataset' not in loader:
        raise ValueError('expected a dataloader config with a "dataset"')
    return loader['dataset']


def sidecar_path(out: str) -> str:
    """Path of the file with every metric per key."""
    root, ext = os.path.splitext(out)
    return f'{root}.metrics{ext or ".json"}'


def records_path(out: str, rank: int) -> str:
    """Path of one process's incremental records."""
    return f'{out}.rank{rank}.jsonl'


def done_path(out: str, rank: int) -> str:
    """Marker a process writes once its shard's records are complete."""
    return f'{out}.rank{rank}.done'


def wait_for_shards(out: str, world: int, poll_seconds: float,
                    timeout: Optional[float], logger) -> None:
    """Rank 0's wait for every other rank's :func:`done_path` marker.

    Shards can finish hours apart on a large file, so the end of scoring
    uses no collective: a barrier would abort the early ranks after the
    process group's timeout (NCCL's default is 10 minutes) and the
    launcher would kill the job before the merge. The markers live beside
    the records, which rank 0 reads anyway, so they need the same shared
    file system and nothing more. A rank that fails makes the launcher stop
    the others, rank 0 included.

    Args:
        out: The output path.
        world: Number of processes.
        poll_seconds: Time between two looks.
        timeout: Give up after this many seconds (None: wait as long as the
            shards take).
        logger: Where the wait is reported.

    Raises:
        TimeoutError: If ``timeout`` passes first, naming the ranks.
    """
    start = time.monotonic()
    waiting = [r for r in range(1, world) if not os.path.exists(
        done_path(out, r))]
    if waiting:
        logger.info(f'rank 0: shard done; waiting for ranks {waiting}')
    while waiting:
        if timeout is not None and time.monotonic() - start > timeout:
            raise TimeoutError(f'ranks {waiting} did not finish their shards '
                               f'of {out} within {timeout} s')
        time.sleep(poll_seconds)
        waiting = [r for r in waiting if not os.path.exists(
            done_path(out, r))]


@LOOPS.register_module()
class SubnetScoringLoop(BaseLoop):
    """Score the codes of an arch file with a trained supernet.

    Per code: set the arch in place; set BN statistics per ``bn_mode``;
    evaluate top-1 and negative cross-entropy on fixed batches; restore the
    supernet's state. With N processes each scores a disjoint shard of the
    codes (``keys[rank::N]``); when its shard is done a process writes a
    marker and returns, and rank 0 merges once every marker is there (no
    barrier at the end: shards may finish hours apart). Results are
    appended per code (see :class:`ResultStore`); ``resume`` skips finished
    keys.

    Writes ``out`` in the challenge format ``{key: {"arch", "acc"}}`` and
    ``<out>.metrics.json`` with every metric per key.

    Args:
        runner: The runner.
        dataloader: Evaluation dataloader config (the data set is used; every
            process evaluates every image).
        arch_file: Codes to score, ``{key: {"arch": code, ...}}``.
        out: Output path.
        evaluator: Unused (the loop computes its own metrics); accepted
            because the Runner passes it.
        bn_mode: ``supernet``, ``recalibrate`` or ``batch_stats``.
        calib_dataloader: Dataloader config of the calibration images
            (default: the evaluation set); use a test-time pipeline.
        calib_num_images: Images drawn deterministically for calibration.
        calib_seed: Seed of that draw (and of random transforms of the
            calibration pipeline, e.g. a training pipeline).
        calib_batch_size: Calibration batch size (default: the calibration
            dataloader's ``batch_size``, else the evaluation dataloader's
            configured one; never ``batch_size``, which only batches the
            evaluation).
        calib_momentum: ``None``: reset the BN statistics, then take the
            cumulative average over the calibration batches; a number:
            update the supernet's statistics as a moving average with this
            torch momentum (Paddle 0.9 = torch 0.1).
        eval_num_images: Evaluate on a deterministic subset (None: all).
        batch_size: Batch size of the prepared batches (default: the
            dataloader's).
        score: Metric that fills ``acc``: ``top1`` or ``neg_ce``.
        submit_normalize: ``None`` or ``'minmax'``: ``acc`` in ``out``
            min-max normalised to [0, 1] over the scored codes (the sidecar
            keeps the raw metrics).
        resume: Keep records of an earlier run and skip their keys.
        limit: Score only the first ``limit`` codes of the file (all codes
            are still validated).
        skip_invalid: Score the valid codes of a file with bad entries or
            codes: they are logged one line each and listed under
            ``"invalid"`` in ``out``. Without it such a file is refused
            before any code is scored.
        merge_poll_seconds: With several processes, how often rank 0 looks
            for the other shards' completion markers (see
            :func:`wait_for_shards`; the end of scoring needs no
            collective, so shards may finish any time apart).
        merge_timeout: Seconds rank 0 waits for them (None: as long as the
            shards take).
        autocast: ``None`` (float32) or ``'bf16'`` (see
            :class:`SubnetScorer`): part of the protocol, since scores
            change.

    Raises:
        ArchFileError: If the arch file cannot be read or (without
            ``skip_invalid``) has bad entries or codes, listing every one of
            them in ``errors``. Every code that the space's ``decode``
            accepts is valid, tied or untied.
    """

    def __init__(self,
                 runner,
                 dataloader,
                 arch_file: str,
                 out: str,
                 evaluator=None,
                 bn_mode: str = 'recalibrate',
                 calib_dataloader: Optional[dict] = None,
                 calib_num_images: int = DEFAULT_CALIB_NUM_IMAGES,
                 calib_seed: int = 0,
                 calib_batch_size: Optional[int] = None,
                 calib_momentum: Optional[float] = None,
                 eval_num_images: Optional[int] = None,
                 batch_size: Optional[int] = None,
                 score: str = 'top1',
                 submit_normalize: Optional[str] = None,
                 resume: bool = False,
                 limit: Optional[int] = None,
                 skip_invalid: bool = False,
                 merge_poll_seconds: float = 5.0,
                 merge_timeout: Optional[float] = None,
                 autocast: Optional[str] = None) -> None:
        # the dataloader stays a config: batches are prepared once, unsharded
        super().__init__(runner, _DummyLoader())
        if score not in SCORE_KEYS:
            raise ValueError(f'score must be one of {list(SCORE_KEYS)}, '
                             f'got {score!r}')
        normalize_scores({}, submit_normalize)  # validates the name
        check_calib_momentum(calib_momentum)
        self.dataloader_cfg = dataloader
        self.calib_batch_size = calib_batch_size
        self.calib_momentum = calib_momentum
        self.submit_normalize = submit_normalize
        self.arch_file = arch_file
        self.out = out
        self.bn_mode = bn_mode
        self.calib_cfg = calib_dataloader or dataloader
        self.calib_num_images = calib_num_images
        self.calib_seed = calib_seed
        self.eval_num_images = eval_num_images
        self.batch_size = batch_size or dataloader.get('batch_size',
                                                       DEFAULT_BATCH_SIZE)
        self.score = score
        self.resume = resume
        self.merge_poll_seconds = merge_poll_seconds
        if autocast not in AUTOCAST_MODES:
            raise ValueError(f'autocast must be one of {list(AUTOCAST_MODES)}'
                             f', got {autocast!r}')
        self.autocast = autocast
        self.merge_timeout = merge_timeout
        if limit is not None and limit < 1:
            raise ValueError(f'limit must be >= 1, got {limit}')
        space = self._algorithm().supernet.space
        self.codes, self.errors = read_arch_codes(arch_file, space)
        if self.errors:
            summary = invalid_summary(arch_file, len(self.errors),
                                      len(self.codes) + len(self.errors))
            if not skip_invalid:
                raise ArchFileError(
                    summary + '; nothing scored (use --skip-invalid to '
                    'score the valid ones)', self.errors, arch_file)
            for e in self.errors:
                runner.logger.warning(describe_error(e, arch_file))
            runner.logger.warning(f'{summary}; skipped (--skip-invalid)')
        if limit is not None:
            self.codes = dict(list(self.codes.items())[:limit])

    def _algorithm(self):
        model = self.runner.model
        return model.module if is_model_wrapper(model) else model

    def run(self) -> Dict[str, dict]:
        """Score this process's shard, merge on rank 0, write the files."""
        algorithm = self._algorithm()
        supernet = algorithm.supernet
        rank, world = get_dist_info()
        logger = self.runner.logger
        start = time.time()
        if world > 1:
            # a marker of an earlier run must not stand for this one: each
            # rank removes its own before any rank can finish
            if os.path.exists(done_path(self.out, rank)):
                os.remove(done_path(self.out, rank))
            barrier()
        preprocess = algorithm.data_preprocessor
        eval_batches = prepare_batches(preprocess,
                                       _loader_dataset(self.dataloader_cfg),
                                       self.batch_size, self.eval_num_images)
        calib_batches = []
        if self.bn_mode == 'recalibrate':
            # shared with tools/export_subnet.py: the same images
            calib_batches = calibration_batches(preprocess,
                                                self.dataloader_cfg,
                                                self.calib_cfg,
                                                self.calib_num_images,
                                                self.calib_seed,
                                                self.calib_batch_size)
        device = next(supernet.parameters()).device
        for name, prepared in (('evaluation', eval_batches),
                               ('calibration', calib_batches)):
            if prepared:
                where = prepared.keep_near(device)
                if where != 'host':
                    logger.info(f'{name} batches ({prepared.nbytes() / 1e9:.2f}'
                                f' GB) kept in {where} memory')
        scorer = SubnetScorer(supernet, eval_batches, calib_batches,
                              self.bn_mode, self.calib_momentum,
                              self.autocast)
        keys = list(self.codes)
        shard = keys[rank::world]
        store = ResultStore(records_path(self.out, rank), resume=self.resume)
        todo = [k for k in shard if k not in store]
        logger.info(f'rank {rank}/{world}: {len(shard)} codes in shard, '
                    f'{len(shard) - len(todo)} already scored, '
                    f'batches ready in {time.time() - start:.1f} s '
                    f'(bn_mode={self.bn_mode})')
        bar = ProgressBar(len(todo)) if rank == 0 and todo else None
        with scorer.session():  # one save/restore of the supernet state
            for key in todo:
                store.add(key, scorer.score(self.codes[key]))
                if bar is not None:
                    bar.update()
        store.close()
        results = {}
        if world > 1:
            if rank != 0:
                atomic_write_json(done_path(self.out, rank),
                                  dict(rank=rank, codes=len(shard)))
                return results
            wait_for_shards(self.out, world, self.merge_poll_seconds,
                            self.merge_timeout, logger)
        if rank == 0:
            records = merge_records(
                records_path(self.out, r) for r in range(world))
            missing = [k for k in keys if k not in records]
            if missing:
                raise RuntimeError(f'{len(missing)} codes have no score, '
                                   f'e.g. {missing[:3]}')
            results = {k: dict(arch=self.codes[k], **records[k]) for k in keys}
            submitted = normalize_scores(
                {k: r[self.score] for k, r in results.items()},
                self.submit_normalize)
            scores = {k: dict(arch=r['arch'], acc=submitted[k])
                      for k, r in results.items()}
            if self.errors:
                scores[INVALID_KEY] = [e.as_record() for e in self.errors]
            atomic_write_json(self.out, scores)
            atomic_write_json(sidecar_path(self.out), results)
            for r in range(1, world):
                os.remove(done_path(self.out, r))
            logger.info(f'wrote {len(results)} scores to {self.out} '
                        f'({time.time() - start:.1f} s)')
        return results


class _DummyLoader:
    """Stands in for the Runner's dataloader: the loop prepares its own
    batches from the dataloader config."""

    batch_size = None
    dataset = None
