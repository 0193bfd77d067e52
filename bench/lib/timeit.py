#!/usr/bin/env python3
"""Times a command: wall time from just before it is spawned to its exit (nanosecond clock), and CPU time
(user + sys of the command and everything it waited for, from the kernel's rusage, in microseconds).

The benchmark scripts used to time `bash -c '...'` under /usr/bin/time between two `date +%s%N` calls: the
forks of date, time and bash were inside the measured interval (5-12 ms on the 2-core build machine, more
when it is busy), which is serial time added to every figure (it made a 0.08 s two-thread run look 10%
slower than it was), and /usr/bin/time's CPU figures come in 10 ms steps.

usage: timeit.py RUNS [--stdout FILE] [--stderr FILE] [--any-exit] -- CMD [ARG...] [--and CMD2 [ARG...]]...
Prints "BEST_WALL BEST_CPU" in seconds (each the best of RUNS runs; they may come from different runs).
Exits 1 when a run of CMD fails (unless --any-exit), after printing what it has.
With --and, the commands run at the same time: the wall time lasts until the last one exits, the CPU time is
theirs added up, and with --stderr FILE the K-th command's standard error goes to FILE.K. bench/evtx.sh uses
this to time two independent processes side by side: what the machine itself gives two busy cores.
"""
import os
import sys
import time


def main(argv):
    if "--" not in argv or len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    split = argv.index("--")
    opts, rest = argv[1:split], argv[split + 1:]
    cmds = [[]]
    for a in rest:
        if a == "--and":
            cmds.append([])
        else:
            cmds[-1].append(a)
    if any(not c for c in cmds):
        sys.stderr.write("timeit.py: empty command\n")
        return 2
    runs = int(opts[0])
    stdout, stderr, any_exit = os.devnull, None, False
    i = 1
    while i < len(opts):
        if opts[i] == "--stdout":
            stdout = opts[i + 1]; i += 2
        elif opts[i] == "--stderr":
            stderr = opts[i + 1]; i += 2
        elif opts[i] == "--any-exit":
            any_exit = True; i += 1
        else:
            sys.stderr.write(f"timeit.py: unknown option {opts[i]}\n")
            return 2
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    if stdout != os.devnull and len(cmds) > 1:
        sys.stderr.write("timeit.py: --stdout with --and would interleave the outputs\n")
        return 2
    actions = []
    for k in range(len(cmds)):
        a = [(os.POSIX_SPAWN_OPEN, 1, stdout, flags, 0o644)]
        if stderr is not None:
            a.append((os.POSIX_SPAWN_OPEN, 2, stderr if len(cmds) == 1 else f"{stderr}.{k + 1}", flags, 0o644))
        actions.append(a)
    best_wall = best_cpu = None
    failed = False
    for _ in range(runs):
        t0 = time.perf_counter_ns()
        pids = [os.posix_spawnp(c[0], c, os.environ, file_actions=a) for c, a in zip(cmds, actions)]
        cpu = 0.0
        for pid in pids:
            _, status, usage = os.wait4(pid, 0)
            cpu += usage.ru_utime + usage.ru_stime
            if os.waitstatus_to_exitcode(status) != 0 and not any_exit:
                failed = True
        wall = (time.perf_counter_ns() - t0) / 1e9
        best_wall = wall if best_wall is None else min(best_wall, wall)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    print(f"{best_wall:.4f} {best_cpu:.4f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
