#!/usr/bin/env bash
# Score an arch file on a Slurm cluster, one task per GPU, each scoring a
# shard of the codes, rank 0 merging (OpenMMLab convention):
#   [GPUS=8] [GPUS_PER_NODE=8] [CPUS_PER_TASK=5] [SRUN_ARGS=...] \
#   bash tools/slurm_eval.sh PARTITION JOB_NAME CONFIG CHECKPOINT \
#       --arch-file ARCHS.json --out OUT.json [args]
set -euo pipefail
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
CHECKPOINT=$4
shift 4
DIR="$(cd "$(dirname "$0")" && pwd)"
exec bash "$DIR/slurm_run.sh" "$PARTITION" "$JOB_NAME" \
    "$DIR/eval_subnets.py" "$CONFIG" "$CHECKPOINT" --launcher=slurm "$@"
