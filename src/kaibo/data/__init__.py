"""Data for the lessons: real data sets that ship inside installed packages, and small 2-D sets generated on
the spot (nothing is downloaded)."""

from kaibo.data.datasets import Column, Dataset, load_bmi_progression
from kaibo.data.toy2d import SHAPES, Grid2D, Points2D, grid_around, make_points

__all__ = ["SHAPES", "Column", "Dataset", "Grid2D", "Points2D", "grid_around", "load_bmi_progression", "make_points"]
