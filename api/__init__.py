"""The read-only HTTP API on the dashboard's own server (`/api/v1/...`), for the IOC's screens and systems.

Starlette routes mounted into Streamlit's ASGI app (app.py, `st.App(routes=...)`). Every endpoint asks
the same service layer as the pages, as the caller the request identifies (a machine token, the OIDC
session cookie, or the trusted proxy's header): same roles, same small-count rule, one audit event per
call. JSON in the schema served at `/api/v1/openapi.json`. No Streamlit here (app.py injects the one
Streamlit-specific piece, reading the OIDC cookie).
"""
