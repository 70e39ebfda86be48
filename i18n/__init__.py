"""Texts in Vietnamese and English and vi-VN / en number and date formats: no Streamlit, used by every surface."""
