"""The CVPR 2021 3rd-place config matches their supernet's shortcut and the
sharing their write-up reports as best."""
import os

from mmengine.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))


def test_cvpr21_3rd_supernet_settings():
    for name in ('cvpr21_3rd.py', 'cvpr21_3rd_strictfair.py'):
        cfg = Config.fromfile(os.path.join(ROOT, 'configs', 'supernet', name))
        supernet = cfg.model.supernet
        # their Supernet.forward defaults to sc=True: a conv in every block
        assert supernet.shortcut == 'always_conv'
        assert (supernet.conv_sharing, supernet.bn_sharing,
                supernet.fc_sharing) == ('full', 'end', 'independent')
