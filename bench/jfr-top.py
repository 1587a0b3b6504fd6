#!/usr/bin/env python3
"""Where a service's CPU goes, from a JFR recording: the hottest methods (top of stack) and the share of samples
whose stack contains given frames.
  python3 bench/jfr-top.py RECORDING.jfr [N] [substring ...]
Record with BENCH_SERVICE_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/x.jfr,settings=profile' bench/<bench>.sh
"""
import collections
import subprocess
import sys

path = sys.argv[1]
top_n = int(sys.argv[2]) if len(sys.argv) > 2 else 25
needles = sys.argv[3:]
text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "64", path],
                      capture_output=True, text=True, check=True).stdout
samples = []
for event in text.split("jdk.ExecutionSample")[1:]:
    frames = [line.strip() for line in event.splitlines() if "line:" in line]
    frames = [f.split("  line:")[0] for f in frames]
    if frames:
        samples.append(frames)
print(f"{len(samples)} samples")
tops = collections.Counter(s[0] for s in samples)
print(f"\nhottest methods (top of stack), % of samples:")
for frame, count in tops.most_common(top_n):
    print(f"  {100.0 * count / len(samples):5.1f}%  {frame}")
# Inclusive: samples with a frame of each package-ish prefix anywhere in the stack.
inclusive = collections.Counter()
for s in samples:
    seen = set()
    for f in s:
        method = f.split("(")[0]
        if method not in seen:
            seen.add(method)
            inclusive[method] += 1
print(f"\nmost inclusive frames (anywhere in the stack), % of samples:")
for frame, count in inclusive.most_common(top_n):
    print(f"  {100.0 * count / len(samples):5.1f}%  {frame}")
for needle in needles:
    count = sum(1 for s in samples if any(needle in f for f in s))
    print(f"\nstacks containing '{needle}': {100.0 * count / len(samples):.1f}%")
