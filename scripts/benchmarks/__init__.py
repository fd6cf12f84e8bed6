"""The benchmark sections run by scripts/bench.py; each module measures one kind of figure."""
