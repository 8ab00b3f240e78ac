# CVPR 2021 3rd place as their code ran it, where it differs from their
# write-up (cvpr21_3rd.py follows the write-up): train.py and evaluate.py
# build Supernet(BestBN, BestConv, BestFC) with BestBN = FullBN, BestConv =
# FullConv and BestFC = FullFC (super_bn.py, super_conv.py, super_fc.py), i.e.
# full sharing of convs, BN and FC. Sources: docs/recipes.md.
_base_ = ['./cvpr21_3rd.py']
model = dict(supernet=dict(bn_sharing='full', fc_sharing='full'))
