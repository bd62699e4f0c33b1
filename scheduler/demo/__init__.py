"""A seeded synthetic demo country written as readable CSV files (see data/demo/README.md).

``generate_demo(seed=..., out=...)`` is deterministic: the same seed and months give byte-identical
files.
"""

from __future__ import annotations

from scheduler.demo.generate import DEFAULT_SEED, DemoFiles, build_demo, generate_demo

__all__ = ["DEFAULT_SEED", "DemoFiles", "build_demo", "generate_demo"]
