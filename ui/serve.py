"""Start the Streamlit server for this app: `python -m ui.serve run app.py [streamlit options]`.

Why not plain `streamlit run`: Streamlit still treats a folder named `pages/` beside the entry script as
a legacy (v1) multipage app until the first `st.navigation` call of the process. The first session after
every start then shows a false "Page not found" dialog over any deep link (`/ban-do?...`) — on the IOC
wall, the first screen after a restart. This app uses `st.navigation` only, so the launcher tells
Streamlit so before any session starts, then hands over to Streamlit's own command line.
"""
from __future__ import annotations

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli


def main() -> None:
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
