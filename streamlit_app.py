"""Entry point: `streamlit run streamlit_app.py`. Routes between the pages and draws the shared sidebar.

The router comes first: st.navigation is called before anything imports TensorFlow, so a learner never sees
Streamlit's own file list while TensorFlow loads. The sidebar navigation is off in .streamlit/config.toml and
turned on here, just before st.navigation: the first run of a fresh process (Streamlit treats pages/ as old-style
pages until st.navigation has run once) then sends its file list hidden, even on a deep link.

Around the page, keep_learner() shares the learner's progress, runs and experiment series with the browser's other
sessions (a reload, a new tab, a deep link): see lib/learners.py.
"""

import streamlit as st

from ui.learner import keep_learner
from ui.nav import SECTIONS, all_pages
from ui.patches import cap_uploads_per_session, keep_keras_state_between_runs, refuse_unusable_url_values
from ui.restart import restart_notice

keep_keras_state_between_runs()
refuse_unusable_url_values()
cap_uploads_per_session()
st.set_page_config(page_title="The math of neural-network training", page_icon=":material/neurology:", layout="wide")

pages = {
    spec.url_path: st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=(i == 0))
    for i, spec in enumerate(all_pages())
}
st.set_option("client.showSidebarNavigation", True)  # off in config.toml: see there
navigation = st.navigation(
    {section: [pages[spec.url_path] for spec in specs] for section, specs in SECTIONS.items() if specs}
)
keep_learner()  # this browser's progress, runs and series, from a reload or another tab
restart_notice()  # above whichever page the browser reconnects to
try:
    navigation.run()

    from ui.common import end_of_page, sidebar  # noqa: E402  (TensorFlow may load here: after the page is drawn)

    end_of_page(navigation.url_path or all_pages()[0].url_path)
    sidebar()
finally:  # also when a page stops early or asks for a rerun
    keep_learner()
