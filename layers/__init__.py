"""Map builders: atlas results in, folium layers and maps out (DESIGN §2)."""
