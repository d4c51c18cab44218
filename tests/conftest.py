import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lib.runtime  # noqa: E402,F401  (import TensorFlow once, before any AppTest's short timeout starts)
