"""Màn hình tường — the operations-centre wall: large KPI tiles and the map, rotating and refreshing by itself.

Options in the URL: `?xoay=20` seconds per view, `?xem=chi-tieu,uu-tien,ban-do` the views, `?chi_tieu=` the
map's indicator, `?xa=` an area, `?lang=en`, and Streamlit's `?embed=true` inside an iframe.
"""
from ui.context import current_view
from ui.wall import apply_wall_mode, render_wall

view = current_view()
apply_wall_mode()
render_wall(view.lang, view.area, view.geo_name(), view.period.grain)
