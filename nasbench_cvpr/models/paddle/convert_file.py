"""One ``.pdparams`` file in, one torch weights file out."""
import os
from typing import Optional, Union

from ...spaces import build_space
from ..channel_reorder import reorder_channels
from ..checkpoint_files import (plain, save_standalone_checkpoint,
                                save_supernet_weights)
from .convert import ConvertedWeights, convert_paddle_weights
from .layout import max_arch, select_network
from .pdparams import read_pdparams


def convert_pdparams_file(src: str,
                          dst: str,
                          space: Union[dict, str] = 'resnet48',
                          kind: str = 'auto',
                          arch: Optional[str] = None,
                          teacher: bool = False,
                          reorder: bool = False) -> ConvertedWeights:
    """Convert a Paddle weights file and write the torch file.

    Without ``arch`` the output holds the largest network under
    ``supernet.`` (``load_from`` of a supernet config; also the max-code
    teacher of ``FixedTeacherDistiller``); with ``arch`` it is a standalone
    network file (see :mod:`..checkpoint_files`). Only the tensors of the
    Paddle file are written: a supernet's projections in blocks where its
    largest network has none keep their initialisation.

    Args:
        src: The ``.pdparams`` file (read with the restricted unpickler).
        dst: Output ``.pth`` file (written atomically).
        space: Search space config or alias.
        kind: Layout of ``src``: ``auto``, ``supernet`` or ``standalone``.
        arch: Code of the standalone network to write (see
            :func:`convert_paddle_weights`).
        teacher: Take the teacher copy of a Paddle training checkpoint.
        reorder: Sort the channels of the largest network by importance
            (:func:`reorder_channels`); supernet output only.

    Returns:
        The converted weights (reordered if asked).
    """
    space_obj = build_space(space)
    if reorder and arch is not None:
        raise ValueError('--reorder sorts the channels of the largest network '
                         'for a supernet; it does not apply to a standalone '
                         'network (drop --arch or --reorder)')
    params = select_network(read_pdparams(src), src, teacher)
    converted = convert_paddle_weights(params, space_obj, kind, arch, src)
    meta = dict(source=os.path.basename(src),
                source_kind=converted.source_kind, teacher_copy=teacher)
    if converted.arch is not None:
        save_standalone_checkpoint(dst, converted.state_dict, converted.arch,
                                   plain(space), meta=meta)
        return converted
    if reorder:
        converted.state_dict = reorder_channels(converted.state_dict,
                                                max_arch(space_obj))
    save_supernet_weights(dst, converted.state_dict,
                          dict(meta, space=plain(space), reordered=reorder))
    return converted
