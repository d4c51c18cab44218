"""Imported first by every page: a page opened straight from its URL on a freshly started server is sent
through the router (streamlit_app.py) before the page imports anything slow. See ui.patches."""

from ui.patches import route_through_the_router

route_through_the_router()
