"""A stand-in for Slurm's ``srun`` and ``scontrol`` in tests.

As ``srun``: parses the options ``tools/slurm_*.sh`` pass, records them (and
the command) as JSON in ``$FAKE_SLURM_RECORD``, then runs the command as
``--ntasks`` local tasks with Slurm's task environment (``SLURM_PROCID``,
``SLURM_NTASKS``, ``SLURM_LOCALID``, ``SLURM_NODELIST``) and exits with the
worst status. As ``scontrol show hostnames LIST``: prints ``127.0.0.1`` and
records the call.
"""
import json
import os
import subprocess
import sys


def record(entry: dict) -> None:
    with open(os.environ['FAKE_SLURM_RECORD'], 'a') as f:
        f.write(json.dumps(entry) + '\n')


def scontrol(argv: list) -> int:
    record(dict(tool='scontrol', argv=argv))
    print('127.0.0.1')
    return 0


def srun(argv: list) -> int:
    options, i = {}, 0
    while i < len(argv) and argv[i].startswith('-'):
        if argv[i] == '-p':
            options['partition'] = argv[i + 1]
            i += 2
            continue
        key, _, value = argv[i].lstrip('-').partition('=')
        options[key] = value
        i += 1
    command = argv[i:]
    record(dict(tool='srun', options=options, command=command))
    ntasks = int(options['ntasks'])
    procs = []
    for rank in range(ntasks):
        env = dict(os.environ, SLURM_PROCID=str(rank),
                   SLURM_NTASKS=str(ntasks), SLURM_LOCALID=str(rank),
                   SLURM_NODELIST='node[1]', OMP_NUM_THREADS='1')
        procs.append(subprocess.Popen(command, env=env))
    return max(p.wait() for p in procs)


if __name__ == '__main__':
    tool = os.environ['FAKE_SLURM_TOOL']  # set by the srun/scontrol shims
    sys.exit(scontrol(sys.argv[1:]) if tool == 'scontrol'
             else srun(sys.argv[1:]))
