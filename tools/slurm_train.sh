#!/usr/bin/env bash
# Train on a Slurm cluster, one task per GPU (OpenMMLab convention):
#   [GPUS=16] [GPUS_PER_NODE=8] [CPUS_PER_TASK=5] [SRUN_ARGS=...] \
#   bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [args]
# tools/train.py --launcher slurm reads the rank, world size and master
# node from Slurm's environment (nccl on GPUs, gloo on CPUs).
set -euo pipefail
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
WORK_DIR=$4
shift 4
DIR="$(cd "$(dirname "$0")" && pwd)"
exec bash "$DIR/slurm_run.sh" "$PARTITION" "$JOB_NAME" "$DIR/train.py" \
    "$CONFIG" --work-dir="$WORK_DIR" --launcher=slurm "$@"
