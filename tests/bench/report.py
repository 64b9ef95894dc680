#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""report.py - the figures of "make bench", summarised and drawn.

"summary FIGURES JSON [KEY=VALUE...]" reads the rounds' figures (lines "ROUND METRIC WHO
VALUE UNIT", tests/bench/run.sh makes them from the cases' @@BENCH lines),
prints one line a figure: median and min-max of each side, and the ratio
of the medians; and writes the same as JSON, with the KEY=VALUE pairs
(the run's settings; VALUE @FILE: FILE's lines).  "chart JSON SVG" draws each
figure's speed against the peer, with the spread as error bars.  "left LOG
CASE..." prints the CASEs a test-host log did not finish (the first case
without its @@RESULT line, and all after it), for run.sh to run again in a
new boot when the test host was lost.
"""

import json
import math
import statistics
import sys
import time

# The unit says which way is better; any other unit is refused.
LOWER_BETTER = {"ms", "s", "us", "cycles", "KiB"}
HIGHER_BETTER = {"MB/s", "IOPS", "/s"}
# Columns of the text table: the sides, as the cases name them.
SIDES = [("lguest", "lguest (NPT)"), ("lguest-shadow", "lguest shadow"),
         ("kvm", "peer (KVM)"), ("host", "test host")]
PEER = "kvm"


def parse(path):
    """Return {(metric, unit): {who: [values]}} in file order, and errors."""
    figures, errors = {}, []
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            words = line.split()
            if len(words) != 5:
                errors.append(f"{path}:{n}: not 'ROUND METRIC WHO VALUE UNIT': {line.strip()}")
                continue
            _, metric, who, value, unit = words
            if unit not in LOWER_BETTER | HIGHER_BETTER:
                errors.append(f"{path}:{n}: {metric}: unknown unit {unit}")
                continue
            sides = figures.setdefault((metric, unit), {})
            vals = sides.setdefault(who, [])
            if value == "n/a":
                continue
            try:
                v = float(value)
            except ValueError:
                errors.append(f"{path}:{n}: {metric} {who}: not a number: {value}")
                continue
            if not math.isfinite(v) or v < 0:
                errors.append(f"{path}:{n}: {metric} {who}: bad value {value}")
                continue
            vals.append(v)
    return figures, errors


def ratio(a, b):
    """a / b, or None."""
    if a is None or b is None or b == 0:
        return None
    return a / b


def summarise(figures):
    """One dict a figure: each side's values, median, min, max; ratios."""
    out = []
    for (metric, unit), sides in figures.items():
        fig = {"metric": metric, "unit": unit,
               "better": "lower" if unit in LOWER_BETTER else "higher",
               "sides": {}}
        for who, vals in sides.items():
            s = {"values": vals, "runs": len(vals)}
            if vals:
                s.update(median=statistics.median(vals), min=min(vals), max=max(vals))
            fig["sides"][who] = s
        peer = fig["sides"].get(PEER, {}).get("median")
        fig["ratio"] = {}
        for who, s in fig["sides"].items():
            if who != PEER and ratio(s.get("median"), peer) is not None:
                fig["ratio"][who] = ratio(s["median"], peer)
        out.append(fig)
    return out


def num(v):
    """A value as the table prints it: 3 significant figures or so."""
    if v is None:
        return "n/a"
    if v >= 100 or v == int(v):
        return f"{v:.0f}"
    return f"{v:.3g}"


def cell(side):
    """'median (min-max) xN', or n/a."""
    if not side or "median" not in side:
        return "n/a"
    if side["runs"] == 1:
        return f"{num(side['median'])} x1"
    return f"{num(side['median'])} ({num(side['min'])}-{num(side['max'])}) x{side['runs']}"


def print_table(figs):
    """The text table: a line a figure, the sides present, the ratios."""
    present = [(w, t) for w, t in SIDES if any(w in f["sides"] for f in figs)]
    width = max([len(f"{f['metric']} ({f['unit']})") for f in figs] + [6])
    cols = [max([len(t)] + [len(cell(f["sides"].get(w))) for f in figs]) for w, t in present]
    head = f"{'figure':<{width}}"
    for (w, t), c in zip(present, cols):
        head += f"  {t:>{c}}"
    head += "   ratio  shadow"
    print(head)
    for f in figs:
        line = f"{f['metric'] + ' (' + f['unit'] + ')':<{width}}"
        for (w, t), c in zip(present, cols):
            line += f"  {cell(f['sides'].get(w)):>{c}}"
        for who in ("lguest", "lguest-shadow"):
            r = f["ratio"].get(who)
            line += f"  {r:6.2f}" if r is not None else "       -"
        print(line)


def cmd_summary(src, dst, meta):
    figures, errors = parse(src)
    for e in errors:
        print(f"bench: {e}", file=sys.stderr)
    figs = summarise(figures)
    if not figs:
        print("bench: no figures", file=sys.stderr)
        return 1
    print_table(figs)
    doc = {"generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "peer": PEER, "figures": figs}
    for m in meta:
        key, _, value = m.partition("=")
        if value.startswith("@"):
            with open(value[1:], encoding="utf-8", errors="replace") as f:
                doc[key] = [line.rstrip("\n") for line in f if line.strip()]
        else:
            doc[key] = value
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    return 1 if errors else 0


def speed(fig, who, v):
    """v of side who as a speed against the peer's median (>1: faster)."""
    peer = fig["sides"].get(PEER, {}).get("median")
    if peer is None or not peer or not v:
        return None
    return v / peer if fig["better"] == "higher" else peer / v


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cmd_chart(src, dst):
    """An SVG: a row a figure with a peer, a bar a side, log scale."""
    with open(src, encoding="utf-8") as f:
        doc = json.load(f)
    figs = [f for f in doc["figures"] if f["sides"].get(PEER, {}).get("median")]
    if not figs:
        print("bench: no figure has the peer's side: nothing to draw", file=sys.stderr)
        return 1
    sides = [("lguest", "#1f77b4"), ("lguest-shadow", "#9ecae1"), (PEER, "#d62728")]
    # The axis: at least a tenth to ten times the peer's speed, on 1-2-5 steps.
    speeds = [v for f in figs for who, _ in sides for key in ("min", "max")
              if (v := speed(f, who, f["sides"].get(who, {}).get(key)))]
    ticks = [m * 10 ** e for e in range(-4, 5) for m in (1, 2, 5)]
    lo = max([t for t in ticks if t <= min(speeds + [0.1])] or [ticks[0]])
    hi = min([t for t in ticks if t >= max(speeds + [10])] or [ticks[-1]])
    left, plot_w, bar_h, gap, top = 330, 520, 9, 8, 60
    row_h = bar_h * len(sides) + gap
    height = top + row_h * len(figs) + 60
    width = left + plot_w + 40

    def x(v):
        v = min(max(v, lo), hi)
        return left + plot_w * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
         f'font-family="sans-serif" font-size="11">',
         f'<rect width="{width}" height="{height}" fill="white"/>',
         f'<text x="{left}" y="20" font-size="14">lguest against the peer (KVM + QEMU microvm)</text>',
         f'<text x="{left}" y="38">speed relative to the peer\'s median, log scale; '
         'right of 1 is faster; whiskers: min-max of the runs</text>']
    for t in [t for t in ticks if lo <= t <= hi]:
        o.append(f'<line x1="{x(t):.1f}" y1="{top - 6}" x2="{x(t):.1f}" '
                 f'y2="{top + row_h * len(figs)}" stroke="{"black" if t == 1 else "#ddd"}"/>')
        o.append(f'<text x="{x(t):.1f}" y="{top + row_h * len(figs) + 14}" '
                 f'text-anchor="middle">{t:g}x</text>')
    for i, f in enumerate(figs):
        y0 = top + i * row_h
        o.append(f'<text x="{left - 8}" y="{y0 + row_h / 2 + 2:.1f}" text-anchor="end">'
                 f'{esc(f["metric"])} ({esc(f["unit"])})</text>')
        for j, (who, colour) in enumerate(sides):
            s = f["sides"].get(who)
            if not s or "median" not in s:
                continue
            y = y0 + j * bar_h
            m = speed(f, who, s["median"])
            a, b = speed(f, who, s["min"]), speed(f, who, s["max"])
            if m is None:
                continue
            x1, x2 = sorted((x(1), x(m)))
            o.append(f'<rect class="bar" data-side="{who}" data-metric="{esc(f["metric"])}" '
                     f'x="{x1:.1f}" y="{y + 1}" width="{max(x2 - x1, 1):.1f}" '
                     f'height="{bar_h - 2}" fill="{colour}"><title>{esc(who)}: '
                     f'{m:.2f}x</title></rect>')
            if who != PEER:
                right = max([m, 1] + [v for v in (a, b) if v is not None])
                o.append(f'<text x="{x(right) + 4:.1f}" y="{y + bar_h - 1}" '
                         f'font-size="8">{m:.2f}x</text>')
            if a is not None and b is not None:
                ea, eb = sorted((x(a), x(b)))
                yc = y + bar_h / 2
                o.append(f'<path class="err" d="M{ea:.1f} {yc:.1f}H{eb:.1f}M{ea:.1f} {yc - 3:.1f}'
                         f'v6M{eb:.1f} {yc - 3:.1f}v6" stroke="black"/>')
    ly = top + row_h * len(figs) + 34
    for j, (who, colour) in enumerate(sides):
        o.append(f'<rect x="{left + j * 150}" y="{ly}" width="12" height="10" fill="{colour}"/>')
        o.append(f'<text x="{left + j * 150 + 16}" y="{ly + 9}">{who}</text>')
    o.append("</svg>")
    with open(dst, "w", encoding="utf-8") as fh:
        fh.write("\n".join(o) + "\n")
    return 0


def cmd_left(log, cases):
    """The cases from the first one @log has no @@RESULT line for."""
    done = 0
    with open(log, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            w = line.replace("\r", "").split()
            if (len(w) >= 3 and w[0] == "@@RESULT" and done < len(cases)
                    and w[1] == cases[done]):
                done += 1
    print(" ".join(cases[done:]))
    return 0


def main(argv):
    if len(argv) >= 4 and argv[1] == "summary":
        return cmd_summary(argv[2], argv[3], argv[4:])
    if len(argv) == 4 and argv[1] == "chart":
        return cmd_chart(argv[2], argv[3])
    if len(argv) >= 3 and argv[1] == "left":
        return cmd_left(argv[2], argv[3:])
    print("usage: report.py summary FIGURES JSON [KEY=VALUE...] | chart JSON SVG"
          " | left LOG CASE...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
