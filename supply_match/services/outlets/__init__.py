"""The outlets' side of a delivery day: pick and packing lists, bag labels, each run's
hand-over, goods back, and the day's accounts with their closing."""
