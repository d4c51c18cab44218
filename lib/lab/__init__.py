"""The Train MNIST lab: its settings (config), the compiled training loop (trainer), runs in worker threads
(jobs), the Keras code for a run (keras_code) and the lab's charts (charts). Never imports streamlit."""
