"""Entry point: `streamlit run streamlit_app.py`. Routes between the pages and draws the shared sidebar.

The router comes first: st.navigation is called before anything imports TensorFlow, so a learner never sees
Streamlit's own file list while TensorFlow loads.
"""

import streamlit as st

from ui.nav import SECTIONS
from ui.patches import keep_keras_state_between_runs

keep_keras_state_between_runs()
st.set_page_config(page_title="The math of neural-network training", page_icon=":material/neurology:", layout="wide")

navigation = st.navigation(
    {
        section: [
            st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=(i == 0 and j == 0))
            for j, spec in enumerate(specs)
        ]
        for i, (section, specs) in enumerate(SECTIONS.items())
        if specs
    }
)
navigation.run()

from ui.common import sidebar  # noqa: E402  (its device label imports TensorFlow: after the page is drawn)

sidebar()
