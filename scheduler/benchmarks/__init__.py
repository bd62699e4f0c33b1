"""Public rostering benchmarks: read from their own files, solved by the product's solver."""
