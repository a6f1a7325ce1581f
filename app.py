"""How Lägesbild is served: dashboard.py behind the HTTP guard (auth/http_guard.py).

`streamlit run app.py` (what `make run` does) serves the same app as `streamlit run dashboard.py`,
with the guard as ASGI middleware through `st.App`, Streamlit's documented way to add
middleware. The sign-in gate refuses to serve a browser when the guard is not there.
"""

import streamlit as st
from starlette.middleware import Middleware

from auth.http_guard import HttpGuard

app = st.App("dashboard.py", middleware=[Middleware(HttpGuard)])
