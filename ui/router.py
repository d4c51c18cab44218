"""Called first by every page: a page opened straight from its URL on a freshly started server is sent through
the router (streamlit_app.py) before it imports anything slow. See ui.patches."""

from ui.patches import route_through_the_router as through_the_router

__all__ = ["through_the_router"]
