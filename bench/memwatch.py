#!/usr/bin/env python3
"""
bench/memwatch.py DIR: sample a backend's memory while psql runs a script.

The runner's psql script writes the backend's PID to DIR/pid, waits for
DIR/ready, then touches DIR/mark.0, DIR/mark.1, ... between the statements
it measures.  This script waits for DIR/pid, reads /proc/PID/status every
INTERVAL seconds (and notes when each mark appears) until the process is
gone, and prints one line per phase (the samples between mark.N and
mark.N+1):

  phase=N samples=S start_anon_kb=A peak_anon_kb=P end_anon_kb=E
      peak_rss_kb=R hwm_kb=H deciles_anon_kb=d1,d2,...,d10

RssAnon is the backend's private memory (what palloc and caches use);
VmRSS and VmHWM also count the shared buffers the backend has touched.
"""

import os
import sys
import time

INTERVAL = float(os.environ.get("MEMWATCH_INTERVAL", "0.005"))


def read_status(pid):
    fields = {}
    try:
        with open("/proc/%d/status" % pid) as fh:
            for line in fh:
                key, _, rest = line.partition(":")
                if key in ("RssAnon", "VmRSS", "VmHWM"):
                    fields[key] = int(rest.split()[0])
    except (FileNotFoundError, ProcessLookupError, ValueError):
        return None
    return fields


def main():
    d = sys.argv[1]
    pidfile = os.path.join(d, "pid")
    deadline = time.time() + 120
    pid = None
    while time.time() < deadline:
        try:
            with open(pidfile) as fh:
                text = fh.read().strip()
            if text:
                pid = int(text)
                break
        except (FileNotFoundError, ValueError):
            pass
        time.sleep(0.002)
    if pid is None:
        print("memwatch: no pid", file=sys.stderr)
        return 1
    samples = []
    marks = []
    ready = False
    while True:
        # a mark seen now belongs between the previous sample and this one
        while os.path.exists(os.path.join(d, "mark.%d" % len(marks))):
            marks.append(time.time())
        st = read_status(pid)
        if st is None or "RssAnon" not in st:
            break
        samples.append((time.time(), st["RssAnon"], st.get("VmRSS", 0), st.get("VmHWM", 0)))
        if not ready:
            # the psql script waits for this before its first statement
            open(os.path.join(d, "ready"), "w").close()
            ready = True
        time.sleep(INTERVAL)
    for n in range(len(marks) - 1):
        lo, hi = marks[n], marks[n + 1]
        ph = [s for s in samples if lo <= s[0] <= hi]
        before = [s for s in samples if s[0] < lo]
        if before:
            ph.insert(0, before[-1])
        if not ph:
            print("phase=%d samples=0" % n)
            continue
        dec = []
        for k in range(1, 11):
            t = lo + (hi - lo) * k / 10.0
            upto = [s for s in ph if s[0] <= t]
            dec.append(str((upto[-1] if upto else ph[0])[1]))
        print("phase=%d samples=%d start_anon_kb=%d peak_anon_kb=%d end_anon_kb=%d "
              "peak_rss_kb=%d hwm_kb=%d deciles_anon_kb=%s"
              % (n, len(ph), ph[0][1], max(s[1] for s in ph), ph[-1][1],
                 max(s[2] for s in ph), max(s[3] for s in ph), ",".join(dec)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
