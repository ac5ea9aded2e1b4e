"""``network_redraw``: compute and draw the network and the matrix of a 20,000-event coding."""

from __future__ import annotations

import statistics
import time
from typing import Any

from benchmarks._timing import summary

EVENTS = 20_000
ROUNDS = 15


def network_redraw() -> dict[str, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from benchmarks.bench_recording import seeded_coding
    from observer.charts.matrix import draw_matrix
    from observer.charts.network import draw_network
    from observer.storage.read_coding import from_coding

    store, coding_id = seeded_coding(EVENTS)
    data = from_coding(store, coding_id)
    network_fig, matrix_fig = Figure(figsize=(11, 7)), Figure(figsize=(8.5, 7))
    canvases = [FigureCanvasAgg(network_fig), FigureCanvasAgg(matrix_fig)]
    samples, cpu = [], []
    for _ in range(ROUNDS + 1):
        began, began_cpu = time.perf_counter(), time.process_time()
        draw_network(network_fig, data, metrics=False)
        draw_matrix(matrix_fig, data, fast=True)
        for canvas in canvases:
            canvas.draw()  # rasterise, as the panel's canvas does on screen
        samples.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    store.close()
    # The first round pays for font caches and imports; the panel pays that once too.
    # CPU time too: on a loaded machine the wall-clock figure mostly measures the others.
    return summary(
        samples[1:],
        cpu_median_ms=round(statistics.median(cpu[1:]), 3),
        events=len(data.events),
        people=len(data.people),
        dpi=network_fig.dpi,
    )


BENCHMARKS = {"network_redraw": network_redraw}
