"""Real-browser helpers shared by the end-to-end tests and the benches: a streamlit server, headless Chromium."""
