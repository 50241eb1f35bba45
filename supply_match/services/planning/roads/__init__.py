"""Road distances from an OpenStreetMap extract of the county.

``osm`` reads the extract into a ``RoadGraph`` (``graph``), ``speeds`` says how fast each
vehicle type goes on each road class, ``matrix`` snaps places to the roads and runs the
shortest-path searches, and ``store`` keeps the network and the computed legs in the
database so that every web process and worker uses the same ones.
"""
