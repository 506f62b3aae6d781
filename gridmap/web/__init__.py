"""The web layer: the ASGI app around the Streamlit app and the JSON API (``api``)."""
