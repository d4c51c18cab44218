"""The course's math and training logic. Pure Python: no Streamlit in here."""

import os

# Set before TensorFlow is first imported anywhere in the process (every lib module comes here first).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
