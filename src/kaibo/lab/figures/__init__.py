"""The figures of the lessons, one module per lesson (named by its slug): Altair charts built from the
library's numbers, so that a lesson file holds only its words and wiring."""
