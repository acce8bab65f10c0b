"""Real data sets that ship inside installed packages (nothing is downloaded)."""

from kaibo.data.datasets import Column, Dataset, load_bmi_progression

__all__ = ["Column", "Dataset", "load_bmi_progression"]
