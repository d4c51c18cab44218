from pathlib import Path

import lib.runtime  # noqa: F401  (import TensorFlow once, before any AppTest's short timeout starts)

ROOT = Path(__file__).resolve().parent.parent
