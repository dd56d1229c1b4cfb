"""Streamlit page bodies. They call the library and render what it returns; no analysis here."""
