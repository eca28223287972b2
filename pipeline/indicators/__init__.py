"""Turn validated tables into indicator tables: one module per part of the official method."""
