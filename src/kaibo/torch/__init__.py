"""The same models in PyTorch (an optional extra: `pip install "kaibo[bench]"` or the test extra), with
exactly kaibo's weight names, so weights go back and forth by name. The tests hold kaibo's engine to these
twins, and the benchmarks time them side by side. Nothing in kaibo's core imports this package."""
