"""Drawing a Graph with matplotlib when Graphviz is not installed: nodes in layers (leaves on
top, the output at the bottom), ordered within a layer to keep edges short."""

from __future__ import annotations

from typing import Any

_MAX_W, _MAX_H = 40.0, 60.0   # inches: a huge graph gets small boxes, not a huge file


def layers(g: Any) -> dict[str, int]:
    """Depth of each node: the longest path from the output (the output has depth 0)."""
    by_key = {n.key: n for n in g.nodes}
    roots = [n.key for n in g.nodes if n.kind == "output"] or [g.nodes[0].key]
    indeg: dict[str, int] = {k: 0 for k in by_key}
    for n in g.nodes:
        for src, _ in n.inputs:
            indeg[src] += 1
    depth = {k: 0 for k in roots}
    ready = [k for k in by_key if indeg[k] == 0]
    while ready:   # Kahn's order from the output down: each node after all its consumers
        k = ready.pop()
        for src, _ in by_key[k].inputs:
            depth[src] = max(depth.get(src, 0), depth.get(k, 0) + 1)
            indeg[src] -= 1
            if indeg[src] == 0:
                ready.append(src)
    return {k: depth.get(k, 0) for k in by_key}


def draw(g: Any) -> Any:
    """A matplotlib Figure (no pyplot: nothing global is touched) showing the graph `g`."""
    from matplotlib.figure import Figure

    from ._graph import _FILL
    depth = layers(g)
    top = max(depth.values())
    # An edge that skips layers gets a waypoint in each layer it crosses (the Sugiyama way),
    # so that it takes a slot there instead of running through a box.
    chains = []
    below: dict[str, list[str]] = {}   # key -> the keys one layer down that it feeds
    for n in g.nodes:
        for src, label in n.inputs:
            chain = [n.key] + [f"~{src}~{n.key}~{d}" for d in range(depth[n.key] + 1,
                                                                   depth[src])] + [src]
            for d, k in enumerate(chain[1:-1], depth[n.key] + 1):
                depth[k] = d
            for lower, upper in zip(chain, chain[1:]):
                below.setdefault(upper, []).append(lower)
            chains.append((chain, label))
    rows: dict[int, list[str]] = {}
    for k in depth:
        rows.setdefault(depth[k], []).append(k)
    xpos: dict[str, float] = {}
    for d in sorted(rows):   # consumers are placed first; inputs go under their mean position
        keys = rows[d]
        pref = {k: _mean([xpos[c] for c in below.get(k, []) if c in xpos]) for k in keys}
        keys.sort(key=lambda k: pref[k])
        for i, k in enumerate(keys):
            xpos[k] = i - (len(keys) - 1) / 2
    widest = max(len(r) for r in rows.values())
    chars = max(len(line) for n in g.nodes for line in n.lines)
    w = min(_MAX_W, max(4.0, widest * (0.9 + chars * 0.075)))
    h = min(_MAX_H, max(2.5, (top + 1) * 1.3))
    fig = Figure(figsize=(w, h))
    ax = fig.add_axes((0, 0, 1, 0.95))
    ax.set_axis_off()
    ax.set_xlim(-widest / 2, widest / 2)
    ax.set_ylim(-0.6, top + 0.6)
    texts = {}
    for n in g.nodes:   # leaves on top, the output at the bottom: the forward direction
        texts[n.key] = ax.text(xpos[n.key], depth[n.key], "\n".join(n.lines), ha="center",
                               va="center", fontsize=7, family="monospace", zorder=2,
                               bbox={"boxstyle": "round,pad=0.4", "fc": _FILL[n.kind],
                                     "ec": "0.4"})
    line = {"color": "0.35", "linewidth": 0.9}
    for chain, label in chains:
        dst, src = chain[0], chain[-1]
        points = [(xpos[k], depth[k]) for k in reversed(chain[1:-1])]
        start: Any = texts[src]
        start_xy = (0.5, 0.0)
        for p in points:   # segments through the waypoints, no arrow head yet
            ax.annotate("", xy=p, xycoords="data", xytext=start_xy, textcoords=start,
                        arrowprops={"arrowstyle": "-", "shrinkA": 4, "shrinkB": 0, **line})
            start, start_xy = "data", p
        ax.annotate("", xy=(0.5, 1.0), xycoords=texts[dst], xytext=start_xy, textcoords=start,
                    arrowprops={"arrowstyle": "-|>", "shrinkA": 0 if points else 4,
                                "shrinkB": 4, "mutation_scale": 8, **line}, zorder=1)
        if label:
            x0, y0 = points[-1] if points else (xpos[src], depth[src])
            ax.text((x0 + xpos[dst]) / 2, (y0 + depth[dst]) / 2, label, fontsize=6,
                    ha="center", va="center", color="0.2", zorder=3,
                    bbox={"fc": "white", "ec": "none", "pad": 0.5})
    fig.suptitle(g.title, fontsize=9)
    return fig


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0
