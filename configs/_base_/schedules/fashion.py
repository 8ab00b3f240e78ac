# Schedule of the Fashion-MNIST benchmark's standalone runs, for supernets:
# SGD lr 0.1, Nesterov momentum 0.9, weight decay 5e-4; linear warm-up over
# 50 iterations, then cosine decay per iteration to 0. Epochs are set per
# config (an equal budget of subnet passes per image across recipes).
max_epochs = 6
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4,
                   nesterov=True))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.02, by_epoch=False, begin=0,
         end=50),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, T_max=max_epochs,
         convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=max_epochs)
val_cfg = dict()
test_cfg = dict()
