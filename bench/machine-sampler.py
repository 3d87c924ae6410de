#!/usr/bin/env python3
"""Samples the whole machine every 100 ms until killed, one line per sample, to tell when a benchmark's
slow moments were and what the machine was doing then (docs/realtime-benchmarks.md, "Where the tail
comes from"):

    epoch_ms user nice system idle iowait irq softirq steal io_stall_us cpu_stall_us dirty_kib writeback_kib

The CPU columns are /proc/stat's cumulative jiffies; the stall columns /proc/pressure's cumulative
"some" totals; dirty and writeback are /proc/meminfo's current sizes.

usage: bench/machine-sampler.py OUTFILE &   (stop it by its PID)
"""
import sys
import time


def pressure_total(path):
    return open(path).readline().split("total=")[1].strip()


def memory(names):
    found = {}
    for line in open("/proc/meminfo"):
        name, value = line.split(":")
        if name in names:
            found[name] = value.split()[0]
    return [found[n] for n in names]


def main():
    out = open(sys.argv[1], "w")
    while True:
        started = time.time()
        cpu = open("/proc/stat").readline().split()[1:9]
        line = [f"{started * 1000:.0f}", *cpu, pressure_total("/proc/pressure/io"),
                pressure_total("/proc/pressure/cpu"), *memory(("Dirty", "Writeback"))]
        out.write(" ".join(line) + "\n")
        out.flush()
        time.sleep(max(0.0, 0.1 - (time.time() - started)))


if __name__ == "__main__":
    main()
