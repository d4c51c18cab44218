"""Entry point: `streamlit run streamlit_app.py`. Routes between the pages and draws the shared sidebar."""

import streamlit as st

from ui.common import sidebar
from ui.nav import SECTIONS

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
sidebar()
navigation.run()
