"""Streamlit front end: ``streamlit run app.py``.

The pages call the library (``analyzer.analyze`` and friends) and render what
it returns. Uploaded files are analyzed on this machine and never sent anywhere.
"""

import streamlit as st

from analyzer.core import settings
from analyzer.core.errors import AnalyzerError
from ui.highlight import md_escape

st.set_page_config(page_title="Clause analyzer", page_icon=":material/gavel:", layout="wide")

try:
    settings.check()  # a bad ANALYZER_* variable is one line here, not a traceback on some page
except AnalyzerError as exc:
    st.error(md_escape(exc))
    st.stop()

from ui.state import warm_up

warm_up()  # the classifier loads in the background; first findings need not wait for its encoder

pages = [
    st.Page("app_pages/review.py", title="Review", icon=":material/description:", default=True),
    st.Page("app_pages/compare.py", title="Compare drafts", icon=":material/difference:"),
    st.Page("app_pages/batch.py", title="Batch", icon=":material/table_view:"),
    st.Page("app_pages/playbooks.py", title="Playbooks", icon=":material/menu_book:"),
]
with st.sidebar:
    st.caption("Offline contract clause analyzer for technology-licensing and joint-venture agreements. "
               "Files are analyzed on this machine and never leave it.")
st.navigation(pages).run()
