"""The Train MNIST page's pieces: the settings form, the live view, the results and the run table."""
