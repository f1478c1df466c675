"""The ``steelyard`` command's modules: shared parts and one module per group of commands."""
